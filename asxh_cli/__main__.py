from asxh_cli.cli import main

main()
