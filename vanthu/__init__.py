"""vanthu: the office's documents, from the draft to the archive and its search.

vanthu does no linear algebra, yet numpy's OpenBLAS starts a pool of threads as numpy is imported:
about 80 ms of CPU for every ``vanthu search`` on two cores (and the threads of every search
process of the service besides). One thread, unless the user says otherwise; set here, before
any part of vanthu imports numpy, and inherited by the processes the service starts.
"""

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
