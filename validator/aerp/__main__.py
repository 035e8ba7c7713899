"""``python -m aerp`` runs the command-line interface."""

from aerp.cli import main

if __name__ == "__main__":
    main()
