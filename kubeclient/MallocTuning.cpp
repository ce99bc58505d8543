// SPDX-License-Identifier: Apache-2.0
#include "MallocTuning.h"

#if __has_include(<malloc.h>)
#include <malloc.h>
#endif

namespace kube {

// A Prometheus answer on a 2,000-service mesh is MBs of body, then tens of MB of series, built on
// the I/O thread or a worker and freed a moment later, often on another thread. By default glibc
// gives each such thread an arena of its own and, once a large block has been freed, raises its mmap
// threshold up to 32 MB, so the next large blocks come from those arenas too, whose freed pages stay
// resident: the demo cluster (~224 server threads) levelled off at ~1.1 GB and the app kept climbing
// (issue 5). A fixed threshold sends every block of 128 KiB or more (bodies, series lists) to mmap,
// which hands it back when it is freed; two arenas keep the small blocks' free space in few heaps,
// where the next answer reuses it, without making every thread wait on one lock.
// bench/graph/bench_bigmesh_app 2000 services with 30 MB latency-bucket answers, RSS after 6 min
// live (app / demo cluster): glibc defaults 481 / 1017 MB; this threshold with 2 arenas 412 / 378 MB,
// with 1 arena 404 / 321 MB.
void tuneMallocForLargeAnswers()
{
#if defined(M_ARENA_MAX) // glibc's
    mallopt(M_MMAP_THRESHOLD, 128 * 1024);
    mallopt(M_ARENA_MAX, 2);
#endif
}

} // namespace kube
