from dutyboard.cli import main

raise SystemExit(main())
