// SPDX-License-Identifier: Apache-2.0
#include "ListMergeKeys.h"

#include <nlohmann/json.hpp>

namespace democluster {

std::vector<std::string> ListMergeKeys::listMapKeys(const std::string& field, const nlohmann::json& sample)
{
    if (field == "ports") {
        // Container ports and service ports share the name; their elements tell them apart.
        if (sample.is_object() && sample.contains("containerPort"))
            return {"containerPort", "protocol"};
        return {"port", "protocol"};
    }
    const std::string key = patchMergeKey(field, sample);
    return key.empty() ? std::vector<std::string>{} : std::vector<std::string>{key};
}

std::string ListMergeKeys::patchMergeKey(const std::string& field, const nlohmann::json& sample)
{
    if (field == "containers" || field == "initContainers" || field == "ephemeralContainers" || field == "env"
        || field == "volumes" || field == "imagePullSecrets" || field == "containerStatuses")
        return "name";
    if (field == "ports")
        return sample.is_object() && sample.contains("containerPort") ? "containerPort" : "port";
    if (field == "volumeMounts")
        return "mountPath";
    if (field == "conditions")
        return "type";
    if (field == "ownerReferences")
        return "uid";
    if (field == "hostAliases")
        return "ip";
    return {};
}

bool ListMergeKeys::mergesScalars(const std::string& field)
{
    return field == "finalizers";
}

nlohmann::json ListMergeKeys::elementKey(const std::vector<std::string>& keys, const nlohmann::json& element)
{
    if (!element.is_object())
        return nullptr;
    nlohmann::json key = nlohmann::json::object();
    for (const auto& name : keys) {
        const auto found = element.find(name);
        if (found != element.end() && !found->is_null())
            key[name] = *found;
        else if (name == "protocol")
            key[name] = "TCP";
        else
            return nullptr;
    }
    return key;
}

} // namespace democluster
