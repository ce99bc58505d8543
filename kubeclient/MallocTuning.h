// SPDX-License-Identifier: Apache-2.0
#pragma once

namespace kube {

// Sets glibc's malloc up for a process that receives large answers (tens of MB) on threads other
// than the main one. Call it first thing in main(), before any thread exists. See the .cpp for why.
void tuneMallocForLargeAnswers();

} // namespace kube
