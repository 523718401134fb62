from owed.cli import main

main()
