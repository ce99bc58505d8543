// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "ApiResponse.h"

namespace democluster {

class ObjectStore;
class PodLogs;
struct ApiPath;
struct ApiRequest;

// GET pods/NAME/log: a container's output as text, whole or as a follow stream, with the query
// parameters kubectl sends (container, follow, tailLines, timestamps, limitBytes).
class PodLogHandler {
public:
    PodLogHandler(const ObjectStore& store, const PodLogs& logs);

    ApiResponse handle(const ApiRequest& request, const ApiPath& path) const;

private:
    const ObjectStore& m_store;
    const PodLogs& m_logs;
};

} // namespace democluster
