import sys

from api.farm.run import main

sys.exit(main())
