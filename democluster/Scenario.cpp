// SPDX-License-Identifier: Apache-2.0
#include "Scenario.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace democluster {

namespace {

std::string required(const YAML::Node& node, const char* key, const std::string& where)
{
    if (!node[key] || !node[key].IsScalar() || node[key].Scalar().empty())
        throw std::runtime_error(where + ": missing \"" + key + '"');
    return node[key].Scalar();
}

void readLogNormal(const YAML::Node& node, const char* key, Scenario::LogNormal& distribution, const std::string& where)
{
    if (const auto found = node[key]) {
        distribution.median = found["median"].as<double>(distribution.median);
        distribution.sigma = found["sigma"].as<double>(distribution.sigma);
    }
    if (distribution.median <= 0 || distribution.sigma < 0)
        throw std::runtime_error(where + ": " + key + " needs median > 0 and sigma >= 0");
}

Scenario::Profile readProfile(const YAML::Node& node, Scenario::Profile profile, const std::string& where)
{
    readLogNormal(node, "latencyMs", profile.latencyMs, where);
    readLogNormal(node, "requestBytes", profile.requestBytes, where);
    readLogNormal(node, "responseBytes", profile.responseBytes, where);
    profile.errorRate = node["errorRate"].as<double>(profile.errorRate);
    if (profile.errorRate < 0 || profile.errorRate > 1)
        throw std::runtime_error(where + ": errorRate must be between 0 and 1");
    return profile;
}

} // namespace

Scenario Scenario::load(const std::filesystem::path& file)
{
    std::ifstream in(file);
    if (!in)
        throw std::runtime_error("cannot read scenario " + file.string());
    std::stringstream text;
    text << in.rdbuf();
    return parse(text.str(), file.string());
}

Scenario Scenario::parse(const std::string& yaml, const std::string& origin)
{
    Scenario scenario;
    try {
        const YAML::Node root = YAML::Load(yaml);
        scenario.name = required(root, "name", origin);
        scenario.namespaceName = required(root, "namespace", origin);
        for (const auto& manifest : root["manifests"])
            scenario.manifests.push_back(manifest.as<std::string>());

        const YAML::Node entry = root["entry"];
        scenario.entryService = required(entry, "service", origin + ": entry");
        scenario.requestsPerSecond = entry["requestsPerSecond"].as<double>(0);
        if (scenario.requestsPerSecond < 0)
            throw std::runtime_error(origin + ": entry.requestsPerSecond must not be negative");
        scenario.entryPath = entry["path"].as<std::string>("/");
        double shares = 0;
        for (const auto& node : entry["users"]) {
            Users users;
            users.share = node["share"].as<double>(0);
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
                throw std::runtime_error(origin + ": entry.users shares must be positive and sum to at most 1");
            scenario.users.push_back(std::move(users));
        }
        const YAML::Node source = entry["source"];
        scenario.source.workload = required(source, "workload", origin + ": entry.source");
        scenario.source.namespaceName = required(source, "namespace", origin + ": entry.source");
        scenario.source.app = source["app"].as<std::string>(scenario.source.workload);
        scenario.source.serviceAccount = source["serviceAccount"].as<std::string>("default");
        scenario.source.proxy = source["proxy"].as<bool>(true);

        for (const auto& call : root["calls"]) {
            Call parsed{required(call, "from", origin + ": calls"), {}, required(call, "to", origin + ": calls"),
                        call["path"].as<std::string>("/")};
            for (const auto& version : call["fromVersions"])
                parsed.fromVersions.push_back(version.as<std::string>());
            scenario.calls.push_back(std::move(parsed));
        }
        scenario.defaults = readProfile(root["defaults"], Profile{}, origin + ": defaults");
        for (const auto& node : root["profiles"]) {
            Profile profile = scenario.defaults;
            profile.service = required(node, "service", origin + ": profiles");
            profile.version = required(node, "version", origin + ": profiles");
            scenario.profiles.push_back(
                readProfile(node, profile, origin + ": profile " + profile.service + ' ' + profile.version));
        }
    } catch (const YAML::Exception& error) {
        throw std::runtime_error(origin + ':' + std::to_string(error.mark.line + 1) + ": " + error.msg);
    }
    return scenario;
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
