// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "FaultSpec.h"

#include <QStringList>

// istiod's validation of an HTTPFaultInjection, checked before anything is written so the operator
// reads the rule instead of the API server's refusal (or, worse, a fault that never fires).
class FaultRules {
public:
    // Each broken rule in words; empty when istiod would accept the fault.
    static QStringList problems(const FaultSpec& fault);
};
