from creditdesk.cli import main

main()
