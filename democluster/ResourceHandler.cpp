// SPDX-License-Identifier: Apache-2.0
#include "ResourceHandler.h"

#include "AdmissionValidator.h"
#include "ApiPath.h"
#include "ApiRequest.h"
#include "ContinueToken.h"
#include "FieldSelector.h"
#include "LabelSelector.h"
#include "ManagedFields.h"
#include "ObjectDefaults.h"
#include "ObjectStore.h"
#include "ResourceRegistry.h"
#include "ServerSideApply.h"
#include "StrategicMergePatch.h"
#include "TableRenderer.h"
#include "WatchStream.h"
#include "kubeclient/YamlJsonConverter.h"

#include <nlohmann/json.hpp>

#include <charconv>
#include <stdexcept>

namespace democluster {

namespace {

constexpr const char* MergePatch = "application/merge-patch+json";
constexpr const char* JsonPatch = "application/json-patch+json";
constexpr const char* ApplyPatch = "application/apply-patch+yaml";
constexpr const char* StrategicMergePatchType = "application/strategic-merge-patch+json";

// "application/json; charset=utf-8" -> "application/json"
std::string mediaType(const std::string& contentType)
{
    std::string type = contentType.substr(0, contentType.find(';'));
    while (!type.empty() && type.back() == ' ')
        type.pop_back();
    return type;
}

std::optional<ApiStatus> parseBody(const std::string& body, nlohmann::json& parsed, const char* what)
{
    parsed = nlohmann::json::parse(body, nullptr, false);
    if (parsed.is_discarded())
        return ApiStatus::badRequest(std::string("error decoding ") + what + ": the body is not valid JSON");
    return std::nullopt;
}

// A string member, or empty when absent or of another type: bodies come from anyone.
std::string textOf(const nlohmann::json& object, const char* key)
{
    const auto found = object.find(key);
    return found != object.end() && found->is_string() ? found->get<std::string>() : std::string();
}

std::optional<ApiStatus> requireJsonBody(const ApiRequest& request)
{
    const std::string type = mediaType(request.header("content-type"));
    if (type != "application/json")
        return ApiStatus::unsupportedMediaType({"application/json"});
    return std::nullopt;
}

// resourceVersion and timeoutSeconds are decimal numbers on this server; nullopt otherwise.
std::optional<std::uint64_t> parseNumber(const std::string& text)
{
    std::uint64_t value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || error != std::errc() || end != text.data() + text.size())
        return std::nullopt;
    return value;
}

// The object as the version the client addressed serves it: every version stores the same object.
nlohmann::json asServed(nlohmann::json object, const ResourceType& type)
{
    if (object.is_object())
        object["apiVersion"] = type.apiVersion();
    return object;
}

// Fields a client may not set on a create: the store assigns them.
void stripServerFields(nlohmann::json& object)
{
    auto& metadata = object["metadata"];
    for (const char* field : {"uid", "resourceVersion", "creationTimestamp", "generation", "managedFields"})
        metadata.erase(field);
}

// A client may replace managedFields with a valid list (kubectl's migration from client-side to
// server-side apply does); anything else keeps the stored ones.
void keepOrAdoptManagedFields(const nlohmann::json& before, nlohmann::json& after, nlohmann::json& baseline)
{
    baseline = before;
    const auto& sent = after["metadata"].value("managedFields", nlohmann::json());
    const auto& stored = before["metadata"].value("managedFields", nlohmann::json());
    if (sent.is_array() && sent != stored) {
        nlohmann::json candidate = nlohmann::json::object();
        candidate["metadata"]["managedFields"] = sent;
        if (ManagedFields::read(candidate).size() == sent.size())
            baseline["metadata"]["managedFields"] = sent;
    }
    if (stored.is_null())
        after["metadata"].erase("managedFields");
    else
        after["metadata"]["managedFields"] = stored;
}

// The applied configuration: JSON (what kubectl sends) or one YAML document.
std::optional<ApiStatus> parseApplied(const std::string& body, nlohmann::json& applied)
{
    applied = nlohmann::json::parse(body, nullptr, false);
    if (applied.is_discarded()) {
        try {
            const auto documents = kube::YamlJsonConverter::loadAllFromString(body, "the apply patch");
            if (documents.size() != 1)
                return ApiStatus::badRequest("error decoding YAML: the apply patch must hold exactly one object");
            applied = documents.front();
        } catch (const std::exception& error) {
            return ApiStatus::badRequest(std::string("error decoding YAML: ") + error.what());
        }
    }
    if (!applied.is_object() || !applied.value("metadata", nlohmann::json::object()).is_object())
        return ApiStatus::badRequest("the apply patch is not a Kubernetes object");
    return std::nullopt;
}

std::optional<TableRenderer> tableRendererFor(const ApiRequest& request, const ResourceType& type)
{
    if (!TableRenderer::wanted(request.header("accept")))
        return std::nullopt;
    return TableRenderer(type, TableRenderer::rowObjectFrom(request.param("includeObject")),
                         std::chrono::system_clock::now());
}

} // namespace

ResourceHandler::ResourceHandler(ObjectStore& store, const ResourceRegistry& registry,
                                 const AdmissionValidator& admission, WatchLimits watchLimits)
    : m_store(store)
    , m_registry(registry)
    , m_admission(admission)
    , m_watchLimits(watchLimits)
{
}

ApiResponse ResourceHandler::handle(const ApiRequest& request, const ApiPath& path) const
{
    const ResourceType& type = *path.type;
    if (!path.subresource.empty() || (type.namespaced && !path.name.empty() && path.namespaceName.empty()))
        return ApiResponse::failure(ApiStatus::pathNotFound());
    const bool collection = path.name.empty();
    if (request.method == "GET") {
        if (request.param("watch") == "true" || request.param("watch") == "1")
            return watch(request, path);
        return collection ? list(request, path) : get(request, path);
    }
    if (request.method == "POST" && collection)
        return create(request, path);
    if (request.method == "PUT" && !collection)
        return replace(request, path);
    if (request.method == "PATCH" && !collection)
        return patch(request, path);
    if (request.method == "DELETE" && !collection)
        return remove(path);
    return ApiResponse::failure(ApiStatus::methodNotAllowed(type, request.method));
}

ApiResponse ResourceHandler::get(const ApiRequest& request, const ApiPath& path) const
{
    nlohmann::json object;
    if (auto error = m_store.get(*path.type, path.namespaceName, path.name, object))
        return ApiResponse::failure(*error);
    object = asServed(std::move(object), *path.type);
    if (const auto table = tableRendererFor(request, *path.type))
        return ApiResponse::json(table->table(object).dump());
    return ApiResponse::json(object.dump());
}

ApiResponse ResourceHandler::list(const ApiRequest& request, const ApiPath& path) const
{
    std::string error;
    const auto labels = LabelSelector::parse(request.param("labelSelector"), error);
    if (!labels)
        return ApiResponse::failure(ApiStatus::badRequest(error));
    const auto fields = FieldSelector::parse(request.param("fieldSelector"), error);
    if (!fields)
        return ApiResponse::failure(ApiStatus::badRequest(error));

    std::uint64_t limit = 0;
    if (const std::string text = request.param("limit"); !text.empty()) {
        const auto parsed = parseNumber(text);
        if (!parsed)
            return ApiResponse::failure(ApiStatus::badRequest("limit must be a non-negative integer"));
        limit = *parsed;
    }
    std::optional<ContinueToken> from;
    if (const std::string text = request.param("continue"); !text.empty()) {
        from = ContinueToken::decode(text);
        if (!from)
            return ApiResponse::failure(ApiStatus::badRequest("continue key is not valid"));
    }

    std::vector<nlohmann::json> objects;
    std::string resourceVersion = m_store.list(*path.type, path.namespaceName, objects);
    // Later pages list the store as it is now, not as it was at the first page's version (no
    // MVCC here), but they report the first page's version as kube-apiserver does.
    if (from)
        resourceVersion = from->resourceVersion;
    nlohmann::json items = nlohmann::json::array();
    std::size_t remaining = 0;
    for (auto& object : objects) {
        const auto& metadata = object["metadata"];
        if (from
            && std::make_pair(textOf(metadata, "namespace"), textOf(metadata, "name"))
                   <= std::make_pair(from->namespaceName, from->name))
            continue;
        if (!labels->matches(metadata.value("labels", nlohmann::json())) || !fields->matches(object))
            continue;
        if (limit > 0 && items.size() == limit)
            ++remaining;
        else
            items.push_back(asServed(std::move(object), *path.type));
    }
    nlohmann::json listMetadata = {{"resourceVersion", resourceVersion}};
    if (remaining > 0) {
        const auto& last = items.back()["metadata"];
        listMetadata["continue"] =
            ContinueToken{resourceVersion, textOf(last, "namespace"), textOf(last, "name")}.encode();
        // Only without selectors, as kube-apiserver: with them the count would cost a full scan.
        if (request.param("labelSelector").empty() && request.param("fieldSelector").empty())
            listMetadata["remainingItemCount"] = remaining;
    }
    if (const auto table = tableRendererFor(request, *path.type)) {
        nlohmann::json rendered = table->table(items.get<std::vector<nlohmann::json>>(), resourceVersion);
        rendered["metadata"] = listMetadata;
        return ApiResponse::json(rendered.dump());
    }
    const nlohmann::json response = {{"kind", path.type->listKind()},
                                     {"apiVersion", path.type->apiVersion()},
                                     {"metadata", std::move(listMetadata)},
                                     {"items", std::move(items)}};
    return ApiResponse::json(response.dump());
}

ApiResponse ResourceHandler::watch(const ApiRequest& request, const ApiPath& path) const
{
    WatchStream::Options options;
    options.namespaceName = path.namespaceName;
    std::string error;
    auto labels = LabelSelector::parse(request.param("labelSelector"), error);
    if (!labels)
        return ApiResponse::failure(ApiStatus::badRequest(error));
    // The old /NAME?watch=true form watches one object, like the field selector on the collection.
    const std::string fieldSelector = path.name.empty() ? request.param("fieldSelector")
                                                        : "metadata.name=" + path.name;
    auto fields = FieldSelector::parse(fieldSelector, error);
    if (!fields)
        return ApiResponse::failure(ApiStatus::badRequest(error));
    options.labels = std::move(*labels);
    options.fields = std::move(*fields);
    options.bookmarks = request.param("allowWatchBookmarks") == "true";
    options.bookmarkInterval = m_watchLimits.bookmarkInterval;
    options.heartbeatInterval = m_watchLimits.heartbeatInterval;
    std::chrono::seconds timeout = m_watchLimits.defaultTimeout;
    if (!request.param("timeoutSeconds").empty()) {
        const auto seconds = parseNumber(request.param("timeoutSeconds"));
        if (!seconds)
            return ApiResponse::failure(ApiStatus::badRequest("invalid timeoutSeconds: " + request.param("timeoutSeconds")));
        timeout = std::min(timeout, std::chrono::seconds(*seconds));
    }
    options.deadline = std::chrono::steady_clock::now() + timeout;

    // No version, or "0": the current state as ADDED events first, then what follows. A version
    // from a list: only what happened after it.
    const std::string version = request.param("resourceVersion");
    std::uint64_t from = 0;
    std::vector<nlohmann::json> initial;
    if (version.empty() || version == "0") {
        std::vector<nlohmann::json> objects;
        from = std::stoull(m_store.list(*path.type, path.namespaceName, objects));
        for (auto& object : objects) {
            if (options.labels.matches(object["metadata"].value("labels", nlohmann::json())) && options.fields.matches(object))
                initial.push_back(asServed(std::move(object), *path.type));
        }
    } else {
        const auto parsed = parseNumber(version);
        if (!parsed)
            return ApiResponse::failure(ApiStatus::badRequest("invalid resourceVersion: " + version));
        from = *parsed;
    }

    if (++*m_openWatches > m_watchLimits.maxWatches) {
        --*m_openWatches;
        return ApiResponse::failure(ApiStatus::tooManyRequests(
            "too many open watches (" + std::to_string(m_watchLimits.maxWatches) + "), please try again later"));
    }
    WatchStream::Encoder encoder;
    if (TableRenderer::wanted(request.header("accept"))) {
        encoder = [type = path.type, rows = TableRenderer::rowObjectFrom(request.param("includeObject"))](
                      const nlohmann::json& object) {
            return TableRenderer(*type, rows, std::chrono::system_clock::now()).table(object);
        };
    }
    return ApiResponse::streaming(std::make_shared<WatchStream>(m_store, *path.type, std::move(options), from,
                                                                std::move(initial), std::move(encoder), m_openWatches));
}

ApiResponse ResourceHandler::create(const ApiRequest& request, const ApiPath& path) const
{
    const ResourceType& type = *path.type;
    if (auto error = requireJsonBody(request))
        return ApiResponse::failure(*error);
    nlohmann::json object;
    if (auto error = parseBody(request.body, object, "object"))
        return ApiResponse::failure(*error);
    if (!object.is_object() || !object.value("metadata", nlohmann::json::object()).is_object())
        return ApiResponse::failure(ApiStatus::badRequest("the object provided is not a Kubernetes object"));
    if (!object.contains("metadata"))
        object["metadata"] = nlohmann::json::object(); // the store then reports the missing name
    if (object.contains("kind") && object["kind"] != type.kind)
        return ApiResponse::failure(ApiStatus::badRequest("the kind of the object (" + object["kind"].dump()
                                                          + ") does not match the resource " + type.groupResource()));
    stripServerFields(object);
    ManagedFields::recordUpdate(nullptr, object, ManagedFields::managerOf(request.param("fieldManager"), request.header("user-agent")),
                                type.apiVersion(), type.builtin);
    return createObject(path, std::move(object));
}

ApiResponse ResourceHandler::createObject(const ApiPath& path, nlohmann::json object) const
{
    const ResourceType& type = *path.type;
    if (type.namespaced) {
        const std::string bodyNamespace = textOf(object["metadata"], "namespace");
        if (!bodyNamespace.empty() && bodyNamespace != path.namespaceName)
            return ApiResponse::failure(ApiStatus::badRequest(
                "the namespace of the provided object does not match the namespace sent on the request"));
        object["metadata"]["namespace"] = path.namespaceName;
        if (auto error = requireNamespace(path.namespaceName))
            return ApiResponse::failure(*error);
    }
    if (auto error = m_admission.validate(type, object))
        return ApiResponse::failure(*error);
    m_defaults.onCreate(type, object);
    nlohmann::json stored;
    if (auto error = m_store.create(m_registry.storageTypeOf(type), object, &stored))
        return ApiResponse::failure(*error);
    return ApiResponse::json(asServed(std::move(stored), type).dump(), 201);
}

ApiResponse ResourceHandler::replace(const ApiRequest& request, const ApiPath& path) const
{
    const ResourceType& type = *path.type;
    if (auto error = requireJsonBody(request))
        return ApiResponse::failure(*error);
    nlohmann::json replacement;
    if (auto error = parseBody(request.body, replacement, "object"))
        return ApiResponse::failure(*error);
    if (!replacement.is_object() || !replacement.value("metadata", nlohmann::json()).is_object())
        return ApiResponse::failure(ApiStatus::badRequest("the object provided is not a Kubernetes object"));
    const std::string bodyName = textOf(replacement["metadata"], "name");
    if (bodyName != path.name)
        return ApiResponse::failure(ApiStatus::badRequest("the name of the object (" + bodyName
                                                          + ") does not match the name on the URL (" + path.name + ")"));
    const std::string manager = ManagedFields::managerOf(request.param("fieldManager"), request.header("user-agent"));
    return update(path, [&](nlohmann::json& object) -> std::optional<ApiStatus> {
        const nlohmann::json before = object;
        object = replacement;
        nlohmann::json baseline;
        keepOrAdoptManagedFields(before, object, baseline);
        ManagedFields::recordUpdate(baseline, object, manager, type.apiVersion(), type.builtin);
        return std::nullopt;
    });
}

ApiResponse ResourceHandler::patch(const ApiRequest& request, const ApiPath& path) const
{
    const ResourceType& type = *path.type;
    const std::string patchType = mediaType(request.header("content-type"));
    if (patchType == ApplyPatch)
        return apply(request, path);
    if (patchType == StrategicMergePatchType && !type.builtin) {
        // What kube-apiserver answers for a custom resource: it has no patch strategies.
        return ApiResponse::failure(ApiStatus::unsupportedMediaType({JsonPatch, MergePatch, ApplyPatch}));
    }
    if (patchType != MergePatch && patchType != JsonPatch && patchType != StrategicMergePatchType)
        return ApiResponse::failure(ApiStatus::unsupportedMediaType(
            type.builtin ? std::vector<std::string>{JsonPatch, MergePatch, ApplyPatch, StrategicMergePatchType}
                         : std::vector<std::string>{JsonPatch, MergePatch, ApplyPatch}));
    nlohmann::json patchDocument;
    if (auto error = parseBody(request.body, patchDocument, "patch"))
        return ApiResponse::failure(*error);
    if (patchType == JsonPatch && !patchDocument.is_array())
        return ApiResponse::failure(ApiStatus::badRequest("error decoding patch: a JSON patch must be an array of operations"));
    if (patchType != JsonPatch && !patchDocument.is_object())
        return ApiResponse::failure(ApiStatus::badRequest("error decoding patch: the patch must be a JSON object"));

    const std::string manager = ManagedFields::managerOf(request.param("fieldManager"), request.header("user-agent"));
    return update(path, [&](nlohmann::json& object) -> std::optional<ApiStatus> {
        const nlohmann::json before = object;
        if (patchType == MergePatch) {
            object.merge_patch(patchDocument);
        } else if (patchType == StrategicMergePatchType) {
            if (auto error = StrategicMergePatch::apply(object, patchDocument))
                return ApiStatus::badRequest("error applying the strategic merge patch: " + *error);
        } else {
            try {
                object = object.patch(patchDocument);
            } catch (const nlohmann::json::exception&) {
                return ApiStatus::patchRejected();
            }
        }
        if (!object.is_object() || !object.value("metadata", nlohmann::json()).is_object())
            return ApiStatus::badRequest("the patched object is not a Kubernetes object");
        nlohmann::json baseline;
        keepOrAdoptManagedFields(before, object, baseline);
        ManagedFields::recordUpdate(baseline, object, manager, type.apiVersion(), type.builtin);
        return std::nullopt;
    });
}

ApiResponse ResourceHandler::apply(const ApiRequest& request, const ApiPath& path) const
{
    const ResourceType& type = *path.type;
    ServerSideApply::Request options;
    options.manager = request.param("fieldManager");
    if (options.manager.empty())
        return ApiResponse::failure(ApiStatus::invalid("PatchOptions.meta.k8s.io", "",
                                                       "fieldManager: Required value: is required for apply patch"));
    options.apiVersion = type.apiVersion();
    options.force = request.param("force") == "true";
    options.keyedLists = type.builtin;
    nlohmann::json applied;
    if (auto error = parseApplied(request.body, applied))
        return ApiResponse::failure(*error);
    if (textOf(applied, "apiVersion").empty() || textOf(applied, "kind").empty())
        return ApiResponse::failure(ApiStatus::badRequest("the apply patch must set apiVersion and kind"));
    if (applied["kind"] != type.kind)
        return ApiResponse::failure(ApiStatus::badRequest("the kind of the object (" + applied["kind"].dump()
                                                          + ") does not match the resource " + type.groupResource()));
    auto& metadata = applied["metadata"];
    if (textOf(metadata, "name").empty())
        metadata["name"] = path.name;
    if (textOf(metadata, "name") != path.name)
        return ApiResponse::failure(ApiStatus::badRequest("the name of the object (" + textOf(metadata, "name")
                                                          + ") does not match the name on the URL (" + path.name + ")"));
    applied["apiVersion"] = type.apiVersion();
    if (type.namespaced && !path.namespaceName.empty() && !metadata.contains("namespace"))
        metadata["namespace"] = path.namespaceName;

    // Apply to the live object; when there is none, the apply creates it. A create that loses a
    // race with another one applies to the winner instead.
    for (int attempt = 0; attempt < 2; ++attempt) {
        auto updated = update(path, [&](nlohmann::json& object) -> std::optional<ApiStatus> {
            nlohmann::json result;
            if (auto error = ServerSideApply::apply(object, applied, options, result))
                return error;
            object = std::move(result);
            return std::nullopt;
        });
        if (updated.status != 404)
            return updated;
        // As for a POST, what the store assigns is not the client's to set.
        nlohmann::json fresh = applied;
        stripServerFields(fresh);
        nlohmann::json created;
        if (auto error = ServerSideApply::apply(nullptr, fresh, options, created))
            return ApiResponse::failure(*error);
        auto response = createObject(path, std::move(created));
        if (response.status != 409)
            return response;
    }
    return ApiResponse::failure(ApiStatus::conflict(type, path.name));
}

ApiResponse ResourceHandler::update(const ApiPath& path, const ObjectStore::Mutator& mutate) const
{
    const ResourceType& type = *path.type;
    nlohmann::json stored;
    auto error = m_store.update(m_registry.storageTypeOf(type), path.namespaceName, path.name,
                                [&](nlohmann::json& object) -> std::optional<ApiStatus> {
                                    if (auto refused = mutate(object))
                                        return refused;
                                    if (!object.is_object() || !object.value("metadata", nlohmann::json()).is_object())
                                        return ApiStatus::badRequest("the object provided is not a Kubernetes object");
                                    return m_admission.validate(type, object);
                                },
                                &stored);
    return error ? ApiResponse::failure(*error) : ApiResponse::json(asServed(std::move(stored), type).dump());
}

ApiResponse ResourceHandler::remove(const ApiPath& path) const
{
    nlohmann::json removed;
    if (auto error = m_store.remove(*path.type, path.namespaceName, path.name, &removed))
        return ApiResponse::failure(*error);
    return ApiResponse::json(asServed(std::move(removed), *path.type).dump());
}

std::optional<ApiStatus> ResourceHandler::requireNamespace(const std::string& namespaceName) const
{
    const ResourceType* namespaces = m_registry.find("", "v1", "namespaces");
    nlohmann::json ignored;
    return m_store.get(*namespaces, {}, namespaceName, ignored);
}

} // namespace democluster
