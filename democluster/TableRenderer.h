// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

namespace democluster {

struct ResourceType;

// Server-side printing (`Accept: application/json;as=Table;v=v1;g=meta.k8s.io`): the columns
// kube-apiserver's printers give built-in kinds, and those of Istio's CRD
// additionalPrinterColumns for its kinds, so `kubectl get` prints what it prints on a real cluster.
class TableRenderer {
public:
    // What each row carries besides its cells (the includeObject query parameter).
    enum class RowObject { None, Metadata, Object };

    // Does this Accept header ask for a meta.k8s.io/v1 Table?
    static bool wanted(std::string_view accept);
    // nullopt-free: unknown values fall back to the server default, Metadata.
    static RowObject rowObjectFrom(std::string_view includeObject);

    TableRenderer(const ResourceType& type, RowObject rowObject, std::chrono::system_clock::time_point now);

    nlohmann::json table(const std::vector<nlohmann::json>& objects, const std::string& resourceVersion) const;
    // One object as a one-row table: what a Table-format watch sends per event.
    nlohmann::json table(const nlohmann::json& object) const;

    // kubectl's age format (apimachinery's duration.HumanDuration): "45s", "7m3s", "5h", "12d".
    static std::string humanDuration(std::chrono::seconds age);

private:
    nlohmann::json columns() const;
    nlohmann::json row(const nlohmann::json& object) const;
    nlohmann::json cells(const nlohmann::json& object) const;
    std::string age(const nlohmann::json& object) const;
    // The time from `start` to `end` (now when empty) as an age; empty for a missing start.
    std::string since(const std::string& start, const std::string& end) const;

    const ResourceType& m_type;
    RowObject m_rowObject;
    std::chrono::system_clock::time_point m_now;
};

} // namespace democluster
