// SPDX-License-Identifier: Apache-2.0
#pragma once

// This process's memory as Linux counts it (/proc/self/status), in MB, with the heap glibc's
// malloc has handed out: what the benches print beside their figures.
struct ProcessMemory {
    double resident = -1;  // VmRSS: what the goals are about
    double anonymous = -1; // RssAnon: heap, thread stacks, other private memory
    double files = -1;     // RssFile: libraries, fonts and other mapped files
    double shared = -1;    // RssShmem: shared memory (X11/Wayland buffers)
    double mallocInUse = -1; // allocated by malloc and not yet freed, mmapped blocks included (mallinfo2)
    double mallocFree = -1;  // freed, but kept by malloc in its arenas for reuse (mallinfo2)

    static ProcessMemory now();
    // VmRSS of another process (a demo cluster beside the app), in MB; -1 when it is gone.
    static double residentOf(long long processId);
};
