// SPDX-License-Identifier: Apache-2.0
#include "Scenario.h"

#include "MeshGenerator.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace democluster {

namespace {

// A number where one is given, else `fallback`; yaml-cpp's as(fallback) would hide a typo.
template<typename T>
T number(const YAML::Node& node, const char* key, T fallback, const std::string& where)
{
    const YAML::Node value = node[key];
    if (!value)
        return fallback;
    try {
        return value.as<T>();
    } catch (const YAML::Exception&) {
        throw std::runtime_error(where + ": " + key + " must be a number, not \"" + (value.IsScalar() ? value.Scalar() : "...") + '"');
    }
}

std::string required(const YAML::Node& node, const char* key, const std::string& where)
{
    if (!node[key] || !node[key].IsScalar() || node[key].Scalar().empty())
        throw std::runtime_error(where + ": missing \"" + key + '"');
    return node[key].Scalar();
}

void readLogNormal(const YAML::Node& node, const char* key, Scenario::LogNormal& distribution, const std::string& where)
{
    if (const auto found = node[key]) {
        if (!found.IsMap())
            throw std::runtime_error(where + ": " + key + " needs {median, sigma}");
        distribution.median = number(found, "median", distribution.median, where + ": " + key);
        distribution.sigma = number(found, "sigma", distribution.sigma, where + ": " + key);
    }
    if (distribution.median <= 0 || distribution.sigma < 0)
        throw std::runtime_error(where + ": " + key + " needs median > 0 and sigma >= 0");
}

Scenario::Profile readProfile(const YAML::Node& node, Scenario::Profile profile, const std::string& where)
{
    readLogNormal(node, "latencyMs", profile.latencyMs, where);
    readLogNormal(node, "requestBytes", profile.requestBytes, where);
    readLogNormal(node, "responseBytes", profile.responseBytes, where);
    profile.errorRate = number(node, "errorRate", profile.errorRate, where);
    if (profile.errorRate < 0 || profile.errorRate > 1)
        throw std::runtime_error(where + ": errorRate must be between 0 and 1");
    return profile;
}

double readRequestsPerSecond(const YAML::Node& node, const std::string& where)
{
    double rate = 0;
    try {
        rate = node ? node.as<double>() : 0.0;
    } catch (const YAML::Exception&) {
        throw std::runtime_error(where + ": requestsPerSecond must be a number");
    }
    if (rate < 0 || rate > 1e6)
        throw std::runtime_error(where + ": requestsPerSecond must be between 0 and 1000000");
    return rate;
}

std::vector<Scenario::Users> readUsers(const YAML::Node& list, const std::string& where)
{
    if (list && !list.IsSequence() && !list.IsNull())
        throw std::runtime_error(where + ": users must be a list");
    std::vector<Scenario::Users> result;
    double shares = 0;
    for (const auto& node : list) {
        Scenario::Users users;
        users.share = number(node, "share", 0.0, where + ": users");
        for (const auto& header : node["headers"]) {
            std::string name = header.first.as<std::string>();
            for (char& c : name)
                c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            users.headers[name] = header.second.as<std::string>();
        }
        users.path = node["path"].as<std::string>("");
        for (const auto& param : node["queryParams"])
            users.queryParams[param.first.as<std::string>()] = param.second.as<std::string>();
        shares += users.share;
        if (users.share <= 0 || shares > 1 + 1e-9)
            throw std::runtime_error(where + ": users shares must be positive and sum to at most 1");
        result.push_back(std::move(users));
    }
    return result;
}

// Profiles listed in `list` replace those of the same service version in `profiles`, each field
// given replacing the one before (the defaults for a version not listed yet).
void readProfiles(const YAML::Node& list, const Scenario::Profile& defaults, std::vector<Scenario::Profile>& profiles,
                  const std::string& where)
{
    if (list && !list.IsSequence() && !list.IsNull())
        throw std::runtime_error(where + ": profiles must be a list");
    for (const auto& node : list) {
        const std::string service = required(node, "service", where + ": profiles");
        const std::string version = required(node, "version", where + ": profiles");
        auto found = std::find_if(profiles.begin(), profiles.end(), [&](const Scenario::Profile& profile) {
            return profile.service == service && profile.version == version;
        });
        Scenario::Profile base = found == profiles.end() ? defaults : *found;
        base.service = service;
        base.version = version;
        Scenario::Profile profile = readProfile(node, base, where + ": profile " + service + ' ' + version);
        if (found == profiles.end())
            profiles.push_back(std::move(profile));
        else
            *found = std::move(profile);
    }
}

Scenario::Call readCall(const YAML::Node& node, const std::string& where)
{
    Scenario::Call call;
    call.from = required(node, "from", where);
    call.to = required(node, "to", where);
    call.path = node["path"].as<std::string>("/");
    for (const auto& version : node["fromVersions"])
        call.fromVersions.push_back(version.as<std::string>());
    call.share = number(node, "share", 1.0, where);
    call.timeoutMs = number(node, "timeoutMs", 0.0, where);
    call.attempts = number(node, "attempts", 1, where);
    const std::string onError = node["onError"].as<std::string>("degrade");
    if (call.share < 0 || call.share > 1 || call.timeoutMs < 0 || call.attempts < 1
        || (onError != "degrade" && onError != "fail"))
        throw std::runtime_error(where + ' ' + call.from + " -> " + call.to
                                 + ": needs share in [0, 1], timeoutMs >= 0, attempts >= 1, onError degrade or fail");
    call.failCaller = onError == "fail";
    return call;
}

} // namespace

Scenario Scenario::load(const std::filesystem::path& file, int services)
{
    std::ifstream in(file);
    if (!in)
        throw std::runtime_error("cannot read scenario " + file.string());
    std::stringstream text;
    text << in.rdbuf();
    return parse(text.str(), file.string(), services);
}

Scenario Scenario::parse(const std::string& yaml, const std::string& origin, int services)
{
    Scenario scenario;
    try {
        const YAML::Node root = YAML::Load(yaml);
        scenario.name = required(root, "name", origin);
        scenario.namespaceName = required(root, "namespace", origin);
        for (const auto& manifest : root["manifests"])
            scenario.manifests.push_back(manifest.as<std::string>());

        const YAML::Node entry = root["entry"];
        const YAML::Node generate = root["generate"];
        scenario.entryService = generate ? std::string() : required(entry, "service", origin + ": entry");
        scenario.requestsPerSecond = readRequestsPerSecond(entry["requestsPerSecond"], origin + ": entry");
        scenario.entryPath = entry["path"].as<std::string>("/");
        scenario.users = readUsers(entry["users"], origin + ": entry");
        const YAML::Node source = entry["source"];
        scenario.source.workload = required(source, "workload", origin + ": entry.source");
        scenario.source.namespaceName = required(source, "namespace", origin + ": entry.source");
        scenario.source.app = source["app"].as<std::string>(scenario.source.workload);
        scenario.source.serviceAccount = source["serviceAccount"].as<std::string>("default");
        scenario.source.proxy = source["proxy"].as<bool>(true);

        for (const auto& call : root["calls"])
            scenario.calls.push_back(readCall(call, origin + ": calls"));
        scenario.defaults = readProfile(root["defaults"], Profile{}, origin + ": defaults");
        readProfiles(root["profiles"], scenario.defaults, scenario.profiles, origin);

        if (generate) {
            MeshGenerator::Parameters parameters;
            parameters.services = services > 0 ? services : generate["services"].as<int>(parameters.services);
            parameters.calleesPerService = generate["calleesPerService"].as<int>(parameters.calleesPerService);
            parameters.maxVersions = generate["maxVersions"].as<int>(parameters.maxVersions);
            parameters.seed = generate["seed"].as<std::uint64_t>(parameters.seed);
            MeshGenerator(parameters).generate(scenario);
        } else if (services > 0) {
            throw std::runtime_error(origin + ": a service count needs a scenario with a \"generate\" block");
        }
    } catch (const YAML::Exception& error) {
        throw std::runtime_error(origin + ':' + std::to_string(error.mark.line + 1) + ": " + error.msg);
    }
    return scenario;
}

void Scenario::applyTrafficSettings(const std::map<std::string, std::string>& data, const std::string& origin)
{
    Scenario changed = *this;
    for (const auto& [key, text] : data) {
        const std::string where = origin + ": " + key;
        try {
            const YAML::Node node = YAML::Load(text);
            // The readers' messages name the key themselves.
            if (key == "requestsPerSecond")
                changed.requestsPerSecond = readRequestsPerSecond(node, origin);
            else if (key == "users")
                changed.users = readUsers(node, origin);
            else if (key == "profiles")
                readProfiles(node, changed.defaults, changed.profiles, origin);
            else
                throw std::runtime_error(origin + ": unknown key \"" + key + "\" (requestsPerSecond, users, profiles)");
        } catch (const YAML::Exception& error) {
            throw std::runtime_error(where + ':' + std::to_string(error.mark.line + 1) + ": " + error.msg);
        }
    }
    *this = std::move(changed);
}

std::map<std::string, std::string> Scenario::trafficSettings() const
{
    YAML::Emitter users;
    users.SetDoublePrecision(12); // 0.1, not 0.10000000000000001
    users << YAML::BeginSeq;
    for (const auto& kind : this->users) {
        users << YAML::Flow << YAML::BeginMap << YAML::Key << "share" << YAML::Value << kind.share;
        if (!kind.headers.empty())
            users << YAML::Key << "headers" << YAML::Value << kind.headers;
        if (!kind.path.empty())
            users << YAML::Key << "path" << YAML::Value << kind.path;
        if (!kind.queryParams.empty())
            users << YAML::Key << "queryParams" << YAML::Value << kind.queryParams;
        users << YAML::EndMap;
    }
    users << YAML::EndSeq;
    std::ostringstream rate;
    rate << requestsPerSecond;
    return {
        {"requestsPerSecond", rate.str()},
        {"users", this->users.empty() ? std::string("[]") : std::string(users.c_str())},
        {"profiles", "# Entries replace the scenario's profile of that service version, field by field, e.g.\n"
                     "# - {service: " + entryService + ", version: v1, errorRate: 0.2, latencyMs: {median: 400, sigma: 0.5}}\n"
                     "[]\n"},
    };
}

const Scenario::Profile& Scenario::profileFor(const std::string& service, const std::string& version) const
{
    const auto found = std::find_if(profiles.begin(), profiles.end(), [&](const Profile& profile) {
        return profile.service == service && profile.version == version;
    });
    return found == profiles.end() ? defaults : *found;
}

std::vector<const Scenario::Call*> Scenario::callsFrom(const std::string& service, const std::string& version) const
{
    std::vector<const Call*> callees;
    for (const auto& call : calls) {
        if (call.from != service)
            continue;
        if (!call.fromVersions.empty()
            && std::find(call.fromVersions.begin(), call.fromVersions.end(), version) == call.fromVersions.end())
            continue;
        callees.push_back(&call);
    }
    return callees;
}

} // namespace democluster
