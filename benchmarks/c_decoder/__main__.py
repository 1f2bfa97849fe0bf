from benchmarks.c_decoder import main

raise SystemExit(main())
