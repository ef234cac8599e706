from nnsolve.cli import main

main()
