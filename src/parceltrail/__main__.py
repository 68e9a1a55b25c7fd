from parceltrail.cli.main import main

main()
