// SPDX-License-Identifier: Apache-2.0
#include "TableRenderer.h"

#include "ResourceType.h"
#include "TimeFormat.h"

#include <nlohmann/json.hpp>

#include <cctype>

namespace democluster {

namespace {

const char* const NameDescription =
    "Name must be unique within a namespace. Is required when creating resources, although some resources may "
    "allow a client to request the generation of an appropriate name automatically. Name is primarily intended "
    "for creation idempotence and configuration definition. Cannot be updated. More info: "
    "https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names";
const char* const AgeDescription =
    "CreationTimestamp is a timestamp representing the server time when this object was created. It is not "
    "guaranteed to be set in happens-before order across separate operations. Clients may not set this value. "
    "It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. "
    "More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata";

nlohmann::json column(const char* name, const char* type, const char* description, int priority = 0,
                      const char* format = "")
{
    return {{"name", name}, {"type", type}, {"format", format}, {"description", description}, {"priority", priority}};
}

// A CRD printer column's cell, as apiextensions-apiserver renders a JSONPath result: strings as
// they are, anything else (the `hosts` list) as JSON, a missing field as null.
nlohmann::json crdCell(const nlohmann::json& object, const nlohmann::json::json_pointer& pointer)
{
    if (!object.contains(pointer))
        return nullptr;
    const auto& value = object.at(pointer);
    return value.is_string() ? value : nlohmann::json(value.dump());
}

std::string joined(const std::vector<std::string>& parts, const char* separator, const char* whenEmpty)
{
    if (parts.empty())
        return whenEmpty;
    std::string result;
    for (const auto& part : parts)
        result += (result.empty() ? "" : separator) + part;
    return result;
}

std::string selectorText(const nlohmann::json& labels)
{
    std::vector<std::string> pairs;
    if (labels.is_object()) {
        for (const auto& [key, value] : labels.items())
            pairs.push_back(key + '=' + (value.is_string() ? value.get<std::string>() : value.dump()));
    }
    return joined(pairs, ",", "<none>");
}

nlohmann::json podCells(const nlohmann::json& pod)
{
    const nlohmann::json status = pod.value("status", nlohmann::json::object());
    const nlohmann::json containers = pod.value("spec", nlohmann::json::object()).value("containers", nlohmann::json::array());
    int ready = 0;
    int restarts = 0;
    for (const auto& container : status.value("containerStatuses", nlohmann::json::array())) {
        ready += container.value("ready", false) ? 1 : 0;
        restarts += container.value("restartCount", 0);
    }
    std::string phase = status.value("reason", status.value("phase", std::string("Pending")));
    // printPod: a container's waiting or terminated reason says more than the phase.
    for (const auto& container : status.value("containerStatuses", nlohmann::json::array())) {
        const nlohmann::json state = container.value("state", nlohmann::json::object());
        if (state.contains("terminated") && state["terminated"].value("reason", std::string()) != "")
            phase = state["terminated"].value("reason", phase);
        else if (state.contains("waiting") && state["waiting"].value("reason", std::string()) != "")
            phase = state["waiting"].value("reason", phase);
    }
    if (pod["metadata"].contains("deletionTimestamp"))
        phase = "Terminating";
    return {std::to_string(ready) + '/' + std::to_string(containers.size()), phase, std::to_string(restarts)};
}

nlohmann::json serviceCells(const nlohmann::json& service)
{
    const nlohmann::json spec = service.value("spec", nlohmann::json::object());
    std::vector<std::string> ports;
    for (const auto& port : spec.value("ports", nlohmann::json::array())) {
        std::string text = std::to_string(port.value("port", 0));
        if (port.contains("nodePort"))
            text += ':' + std::to_string(port.value("nodePort", 0));
        ports.push_back(text + '/' + port.value("protocol", std::string("TCP")));
    }
    return {spec.value("type", std::string("ClusterIP")), spec.value("clusterIP", std::string("<none>")), "<none>",
            joined(ports, ",", "<none>")};
}

nlohmann::json deploymentCells(const nlohmann::json& deployment)
{
    const nlohmann::json status = deployment.value("status", nlohmann::json::object());
    const int desired = deployment.value("spec", nlohmann::json::object()).value("replicas", 1);
    return {std::to_string(status.value("readyReplicas", 0)) + '/' + std::to_string(desired),
            status.value("updatedReplicas", 0), status.value("availableReplicas", 0)};
}

nlohmann::json deploymentWideCells(const nlohmann::json& deployment)
{
    std::vector<std::string> names;
    std::vector<std::string> images;
    const nlohmann::json spec = deployment.value("spec", nlohmann::json::object());
    const nlohmann::json podSpec = spec.value("template", nlohmann::json::object()).value("spec", nlohmann::json::object());
    for (const auto& container : podSpec.value("containers", nlohmann::json::array())) {
        names.push_back(container.value("name", std::string()));
        images.push_back(container.value("image", std::string()));
    }
    return {joined(names, ",", ""), joined(images, ",", ""),
            selectorText(spec.value("selector", nlohmann::json::object()).value("matchLabels", nlohmann::json()))};
}

std::size_t memberCount(const nlohmann::json& object, const char* field)
{
    const auto found = object.find(field);
    return found != object.end() && (found->is_object() || found->is_array()) ? found->size() : 0;
}

// printEndpoints: up to three address:port pairs, then how many more.
std::string endpointsText(const nlohmann::json& endpoints)
{
    std::vector<std::string> pairs;
    std::size_t total = 0;
    for (const auto& subset : endpoints.value("subsets", nlohmann::json::array())) {
        const auto ports = subset.value("ports", nlohmann::json::array());
        for (const auto& address : subset.value("addresses", nlohmann::json::array())) {
            const std::string ip = address.value("ip", std::string());
            if (ports.empty()) {
                ++total;
                if (pairs.size() < 3)
                    pairs.push_back(ip);
            }
            for (const auto& port : ports) {
                ++total;
                if (pairs.size() < 3)
                    pairs.push_back(ip + ':' + std::to_string(port.value("port", 0)));
            }
        }
    }
    std::string text = joined(pairs, ",", "<none>");
    if (total > pairs.size())
        text += " + " + std::to_string(total - pairs.size()) + " more...";
    return text;
}

bool hasCondition(const nlohmann::json& status, const char* type)
{
    for (const auto& condition : status.value("conditions", nlohmann::json::array())) {
        if (condition.value("type", std::string()) == type && condition.value("status", std::string()) == "True")
            return true;
    }
    return false;
}

std::string jobStatus(const nlohmann::json& job)
{
    const nlohmann::json status = job.value("status", nlohmann::json::object());
    if (hasCondition(status, "Complete"))
        return "Complete";
    if (hasCondition(status, "Failed"))
        return "Failed";
    if (job["metadata"].contains("deletionTimestamp"))
        return "Terminating";
    if (hasCondition(status, "Suspended"))
        return "Suspended";
    if (hasCondition(status, "FailureTarget"))
        return "FailureTarget";
    if (hasCondition(status, "SuccessCriteriaMet"))
        return "SuccessCriteriaMet";
    return "Running";
}

std::vector<std::string> containerField(const nlohmann::json& podSpec, const char* field)
{
    std::vector<std::string> values;
    for (const auto& container : podSpec.value("containers", nlohmann::json::array()))
        values.push_back(container.value(field, std::string()));
    return values;
}

} // namespace

bool TableRenderer::wanted(std::string_view accept)
{
    // kubectl lists several alternatives, Table first; any v1 Table among them is enough.
    std::size_t start = 0;
    while (start < accept.size()) {
        const std::size_t end = std::min(accept.find(',', start), accept.size());
        const std::string_view alternative = accept.substr(start, end - start);
        if (alternative.find("as=Table") != std::string_view::npos && alternative.find("v=v1") != std::string_view::npos
            && alternative.find("v=v1beta1") == std::string_view::npos
            && alternative.find("g=meta.k8s.io") != std::string_view::npos)
            return true;
        start = end + 1;
    }
    return false;
}

TableRenderer::RowObject TableRenderer::rowObjectFrom(std::string_view includeObject)
{
    if (includeObject == "None")
        return RowObject::None;
    if (includeObject == "Object")
        return RowObject::Object;
    return RowObject::Metadata;
}

TableRenderer::TableRenderer(const ResourceType& type, RowObject rowObject, std::chrono::system_clock::time_point now)
    : m_type(type)
    , m_rowObject(rowObject)
    , m_now(now)
{
}

nlohmann::json TableRenderer::table(const std::vector<nlohmann::json>& objects, const std::string& resourceVersion) const
{
    nlohmann::json rows = nlohmann::json::array();
    for (const auto& object : objects)
        rows.push_back(row(object));
    return {{"kind", "Table"},
            {"apiVersion", "meta.k8s.io/v1"},
            {"metadata", {{"resourceVersion", resourceVersion}}},
            {"columnDefinitions", columns()},
            {"rows", std::move(rows)}};
}

nlohmann::json TableRenderer::table(const nlohmann::json& object) const
{
    return table(std::vector<nlohmann::json>{object},
                 object.value("metadata", nlohmann::json::object()).value("resourceVersion", std::string()));
}

std::string TableRenderer::humanDuration(std::chrono::seconds age)
{
    const long long seconds = age.count();
    if (seconds < -1)
        return "<invalid>";
    if (seconds < 0)
        return "0s";
    if (seconds < 60 * 2)
        return std::to_string(seconds) + 's';
    const long long minutes = seconds / 60;
    if (minutes < 10) {
        const long long rest = seconds % 60;
        return rest == 0 ? std::to_string(minutes) + 'm' : std::to_string(minutes) + 'm' + std::to_string(rest) + 's';
    }
    if (minutes < 60 * 3)
        return std::to_string(minutes) + 'm';
    const long long hours = minutes / 60;
    if (hours < 8) {
        const long long rest = minutes % 60;
        return rest == 0 ? std::to_string(hours) + 'h' : std::to_string(hours) + 'h' + std::to_string(rest) + 'm';
    }
    if (hours < 48)
        return std::to_string(hours) + 'h';
    if (hours < 24 * 8) {
        const long long rest = hours % 24;
        return rest == 0 ? std::to_string(hours / 24) + 'd' : std::to_string(hours / 24) + 'd' + std::to_string(rest) + 'h';
    }
    if (hours < 24 * 365 * 2)
        return std::to_string(hours / 24) + 'd';
    const long long years = hours / 24 / 365;
    if (years < 8) {
        const long long days = (hours / 24) % 365;
        return days == 0 ? std::to_string(years) + 'y' : std::to_string(years) + 'y' + std::to_string(days) + 'd';
    }
    return std::to_string(years) + 'y';
}

nlohmann::json TableRenderer::columns() const
{
    nlohmann::json result = nlohmann::json::array({column("Name", "string", NameDescription, 0, "name")});
    const std::string& kind = m_type.kind;
    if (kind == "Pod") {
        result.push_back(column("Ready", "string", "The aggregate readiness state of this pod for accepting traffic."));
        result.push_back(column("Status", "string", "The aggregate status of the containers in this pod."));
        result.push_back(column("Restarts", "string", "The number of times the containers in this pod have been restarted and when the last container in this pod has restarted."));
        result.push_back(column("Age", "string", AgeDescription));
        result.push_back(column("IP", "string", "IP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated.", 1));
        result.push_back(column("Node", "string", "NodeName is a request to schedule this pod onto a specific node.", 1));
    } else if (kind == "Service") {
        result.push_back(column("Type", "string", "type determines how the Service is exposed."));
        result.push_back(column("Cluster-IP", "string", "clusterIP is the IP address of the service and is usually assigned randomly."));
        result.push_back(column("External-IP", "string", "List of IP addresses for which nodes in the cluster will also accept traffic for this service."));
        result.push_back(column("Port(s)", "string", "The list of ports that are exposed by this service."));
        result.push_back(column("Age", "string", AgeDescription));
        result.push_back(column("Selector", "string", "Route service traffic to pods with label keys and values matching this selector.", 1));
    } else if (kind == "Deployment") {
        result.push_back(column("Ready", "string", "Number of the pod with ready state"));
        result.push_back(column("Up-to-date", "integer", "Total number of non-terminated pods targeted by this deployment that have the desired template spec."));
        result.push_back(column("Available", "integer", "Total number of available pods (ready for at least minReadySeconds) targeted by this deployment."));
        result.push_back(column("Age", "string", AgeDescription));
        result.push_back(column("Containers", "string", "Names of each container in the template.", 1));
        result.push_back(column("Images", "string", "Images referenced by each container in the template.", 1));
        result.push_back(column("Selector", "string", "Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment.", 1));
    } else if (kind == "Namespace") {
        result.push_back(column("Status", "string", "The status of the namespace"));
        result.push_back(column("Age", "string", AgeDescription));
    } else if (kind == "VirtualService") {
        result.push_back(column("Gateways", "string", "The names of gateways and sidecars that should apply these routes"));
        result.push_back(column("Hosts", "string", "The destination hosts to which traffic is being sent"));
        result.push_back(column("Age", "date", AgeDescription));
    } else if (kind == "DestinationRule") {
        result.push_back(column("Host", "string", "The name of a service from the service registry"));
        result.push_back(column("Age", "date", AgeDescription));
    } else if (kind == "HTTPRoute") {
        result.push_back(column("Hostnames", "string", ""));
        result.push_back(column("Age", "date", AgeDescription));
    } else if (kind == "Job") {
        result.push_back(column("Status", "string", "Status of the job."));
        result.push_back(column("Completions", "string", "The completion status of the job, the number of succeeded pods out of the desired completions."));
        result.push_back(column("Duration", "string", "Time required to complete the job."));
        result.push_back(column("Age", "string", AgeDescription));
        result.push_back(column("Containers", "string", "Names of each container in the template.", 1));
        result.push_back(column("Images", "string", "Images referenced by each container in the template.", 1));
        result.push_back(column("Selector", "string", "Selector that selects the pods of this job.", 1));
    } else if (kind == "Endpoints") {
        result.push_back(column("Endpoints", "string", "Endpoints of the service"));
        result.push_back(column("Age", "string", AgeDescription));
    } else if (kind == "ConfigMap") {
        result.push_back(column("Data", "string", "Data contains the configuration data."));
        result.push_back(column("Age", "string", AgeDescription));
    } else if (kind == "Secret") {
        result.push_back(column("Type", "string", "Used to facilitate programmatic handling of secret data."));
        result.push_back(column("Data", "string", "Data contains the secret data."));
        result.push_back(column("Age", "string", AgeDescription));
    } else if (kind == "ServiceAccount") {
        result.push_back(column("Secrets", "string", "Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use."));
        result.push_back(column("Age", "string", AgeDescription));
    } else if (kind == "Lease") {
        result.push_back(column("Holder", "string", "HolderIdentity contains the identity of the holder of a current lease."));
        result.push_back(column("Age", "string", AgeDescription));
    } else if (kind == "Event") {
        // Events lead with when and what; the name is only in the wide output.
        return nlohmann::json::array(
            {column("Last Seen", "string", "The time at which the most recent occurrence of this event was recorded."),
             column("Type", "string", "Type of this event (Normal, Warning), new types could be added in the future"),
             column("Reason", "string", "This should be a short, machine understandable string that gives the reason for the transition into the object's current status."),
             column("Object", "string", "The object that this event is about."),
             column("Subobject", "string", "If referring to a piece of an object instead of an entire object, this string should contain a valid JSON/Go field access statement.", 1),
             column("Source", "string", "The component reporting this event. Should be a short machine understandable string.", 1),
             column("Message", "string", "A human-readable description of the status of this operation."),
             column("First Seen", "string", "The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)", 1),
             column("Count", "string", "The number of times this event has occurred.", 1),
             column("Name", "string", NameDescription, 1, "name")});
    } else {
        result.push_back(column("Age", "date", AgeDescription));
    }
    return result;
}

nlohmann::json TableRenderer::row(const nlohmann::json& object) const
{
    nlohmann::json result = {{"cells", cells(object)}};
    if (m_rowObject == RowObject::Object) {
        result["object"] = object;
    } else if (m_rowObject == RowObject::Metadata) {
        result["object"] = {{"kind", "PartialObjectMetadata"},
                            {"apiVersion", "meta.k8s.io/v1"},
                            {"metadata", object.value("metadata", nlohmann::json::object())}};
    }
    return result;
}

nlohmann::json TableRenderer::cells(const nlohmann::json& object) const
{
    const nlohmann::json metadata = object.value("metadata", nlohmann::json::object());
    nlohmann::json result = nlohmann::json::array({metadata.value("name", std::string())});
    const std::string& kind = m_type.kind;
    const auto append = [&result](const nlohmann::json& more) {
        for (const auto& cell : more)
            result.push_back(cell);
    };
    if (kind == "Pod") {
        append(podCells(object));
        result.push_back(age(object));
        const nlohmann::json status = object.value("status", nlohmann::json::object());
        result.push_back(status.value("podIP", std::string("<none>")));
        result.push_back(object.value("spec", nlohmann::json::object()).value("nodeName", std::string("<none>")));
    } else if (kind == "Service") {
        append(serviceCells(object));
        result.push_back(age(object));
        result.push_back(selectorText(object.value("spec", nlohmann::json::object()).value("selector", nlohmann::json())));
    } else if (kind == "Deployment") {
        append(deploymentCells(object));
        result.push_back(age(object));
        append(deploymentWideCells(object));
    } else if (kind == "Namespace") {
        result.push_back(object.value("status", nlohmann::json::object()).value("phase", std::string("Active")));
        result.push_back(age(object));
    } else if (kind == "VirtualService") {
        result.push_back(crdCell(object, "/spec/gateways"_json_pointer));
        result.push_back(crdCell(object, "/spec/hosts"_json_pointer));
        result.push_back(age(object));
    } else if (kind == "DestinationRule") {
        result.push_back(crdCell(object, "/spec/host"_json_pointer));
        result.push_back(age(object));
    } else if (kind == "HTTPRoute") {
        result.push_back(crdCell(object, "/spec/hostnames"_json_pointer));
        result.push_back(age(object));
    } else if (kind == "Job") {
        const nlohmann::json spec = object.value("spec", nlohmann::json::object());
        const nlohmann::json status = object.value("status", nlohmann::json::object());
        result.push_back(jobStatus(object));
        result.push_back(std::to_string(status.value("succeeded", 0)) + '/' + std::to_string(spec.value("completions", 1)));
        result.push_back(since(status.value("startTime", std::string()), status.value("completionTime", std::string())));
        result.push_back(age(object));
        const nlohmann::json podSpec = spec.value("template", nlohmann::json::object()).value("spec", nlohmann::json::object());
        result.push_back(joined(containerField(podSpec, "name"), ",", ""));
        result.push_back(joined(containerField(podSpec, "image"), ",", ""));
        result.push_back(selectorText(spec.value("selector", nlohmann::json::object()).value("matchLabels", nlohmann::json())));
    } else if (kind == "Endpoints") {
        result.push_back(endpointsText(object));
        result.push_back(age(object));
    } else if (kind == "ConfigMap") {
        result.push_back(std::to_string(memberCount(object, "data") + memberCount(object, "binaryData")));
        result.push_back(age(object));
    } else if (kind == "Secret") {
        result.push_back(object.value("type", std::string("Opaque")));
        result.push_back(std::to_string(memberCount(object, "data")));
        result.push_back(age(object));
    } else if (kind == "ServiceAccount") {
        result.push_back(std::to_string(memberCount(object, "secrets")));
        result.push_back(age(object));
    } else if (kind == "Lease") {
        result.push_back(object.value("spec", nlohmann::json::object()).value("holderIdentity", std::string()));
        result.push_back(age(object));
    } else if (kind == "Event") {
        const nlohmann::json involved = object.value("involvedObject", nlohmann::json::object());
        const nlohmann::json source = object.value("source", nlohmann::json::object());
        std::string kindName = involved.value("kind", std::string());
        for (char& c : kindName)
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        std::string sourceText = source.value("component", std::string());
        if (source.contains("host"))
            sourceText += ", " + source.value("host", std::string());
        const std::string last = object.value("lastTimestamp", object.value("eventTime", std::string()));
        return nlohmann::json::array({since(last, {}), object.value("type", std::string()),
                                      object.value("reason", std::string()),
                                      kindName + '/' + involved.value("name", std::string()),
                                      involved.value("fieldPath", std::string()), sourceText,
                                      object.value("message", std::string()),
                                      since(object.value("firstTimestamp", std::string()), {}),
                                      std::to_string(object.value("count", 1)), metadata.value("name", std::string())});
    } else {
        result.push_back(age(object));
    }
    return result;
}

std::string TableRenderer::since(const std::string& start, const std::string& end) const
{
    const auto from = parseRfc3339(start);
    if (!from)
        return start.empty() ? "" : "<unknown>";
    const auto to = end.empty() ? std::optional(m_now) : parseRfc3339(end);
    if (!to)
        return "<unknown>";
    return humanDuration(std::chrono::duration_cast<std::chrono::seconds>(*to - *from));
}

std::string TableRenderer::age(const nlohmann::json& object) const
{
    // Date columns too: apiextensions-apiserver turns them into ages before sending.
    const auto created = parseRfc3339(object["metadata"].value("creationTimestamp", std::string()));
    if (!created)
        return "<unknown>";
    return humanDuration(std::chrono::duration_cast<std::chrono::seconds>(m_now - *created));
}

} // namespace democluster
