// SPDX-License-Identifier: Apache-2.0
#include "ObjectDefaults.h"

#include "ResourceType.h"

#include <nlohmann/json.hpp>

namespace democluster {

namespace {

void setIfMissing(nlohmann::json& object, const char* field, const nlohmann::json& value)
{
    if (!object.contains(field) || object[field].is_null())
        object[field] = value;
}

} // namespace

void ObjectDefaults::onCreate(const ResourceType& type, nlohmann::json& object) const
{
    if (!object.is_object())
        return;
    if (type.group == "batch" && type.kind == "Job")
        jobDefaults(object);
    else if (type.group.empty() && type.kind == "Service")
        serviceDefaults(object);
    else if (type.group.empty() && type.kind == "Secret")
        setIfMissing(object, "type", "Opaque");
}

void ObjectDefaults::jobDefaults(nlohmann::json& job) const
{
    auto& metadata = job["metadata"];
    metadata["uid"] = m_names.uuid();
    if (!job["spec"].is_object())
        job["spec"] = nlohmann::json::object();
    auto& spec = job["spec"];
    setIfMissing(spec, "parallelism", 1);
    setIfMissing(spec, "completions", 1);
    setIfMissing(spec, "backoffLimit", 6);
    setIfMissing(spec, "completionMode", "NonIndexed");
    setIfMissing(spec, "suspend", false);
    if (!spec["template"].is_object())
        spec["template"] = nlohmann::json::object();
    auto& templateMetadata = spec["template"]["metadata"];
    if (!templateMetadata.is_object())
        templateMetadata = nlohmann::json::object();
    if (!templateMetadata["labels"].is_object())
        templateMetadata["labels"] = nlohmann::json::object();
    // batch/v1's generateSelector: the uid ties the pods to this Job and no other.
    const std::string uid = metadata["uid"];
    // The body is the client's: the name may be anything until the store refuses it.
    const std::string name = metadata["name"].is_string() ? metadata["name"].get<std::string>() : std::string();
    auto& labels = templateMetadata["labels"];
    labels["batch.kubernetes.io/controller-uid"] = uid;
    labels["batch.kubernetes.io/job-name"] = name;
    labels["controller-uid"] = uid;
    labels["job-name"] = name;
    if (!spec.contains("selector"))
        spec["selector"] = {{"matchLabels", {{"batch.kubernetes.io/controller-uid", uid}}}};
}

void ObjectDefaults::serviceDefaults(nlohmann::json& service) const
{
    if (!service["spec"].is_object())
        service["spec"] = nlohmann::json::object();
    auto& spec = service["spec"];
    setIfMissing(spec, "type", "ClusterIP");
    setIfMissing(spec, "sessionAffinity", "None");
    if (spec["type"] != "ExternalName" && !spec.contains("clusterIP")) {
        const unsigned address = m_nextServiceAddress++;
        const std::string ip = "10.97." + std::to_string((address / 250) % 256) + '.' + std::to_string(address % 250 + 1);
        spec["clusterIP"] = ip;
        spec["clusterIPs"] = {ip};
        spec["ipFamilies"] = {"IPv4"};
        spec["ipFamilyPolicy"] = "SingleStack";
        spec["internalTrafficPolicy"] = "Cluster";
    }
    if (spec["ports"].is_array()) {
        for (auto& port : spec["ports"]) {
            if (!port.is_object())
                continue;
            setIfMissing(port, "protocol", "TCP");
            if (port.contains("port"))
                setIfMissing(port, "targetPort", port["port"]);
        }
    }
}

} // namespace democluster
