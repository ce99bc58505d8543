// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>

namespace democluster {

struct Scenario;

// A mesh of N services for scale demos and benchmarks: an entry service, then layers each about
// `calleesPerService` times wider, every service calling about that many services of the next
// layer, each call made by a share of the caller's requests so a request touches about one service
// per layer. Services run one to `maxVersions` versions with their own profiles; split services
// are routed by a VirtualService with DestinationRule subsets, by a Gateway API HTTPRoute over one
// Service per version (GAMMA), or by the Service alone (pods alike). The same parameters always
// give the same mesh.
class MeshGenerator {
public:
    struct Parameters {
        int services = 30;
        int calleesPerService = 3;
        int maxVersions = 3;
        std::uint64_t seed = 1;
    };

    explicit MeshGenerator(Parameters parameters);

    // Fills the scenario's entry service, calls, profiles and objects; keeps its load, users,
    // source and defaults. Throws std::runtime_error for parameters out of range.
    void generate(Scenario& scenario) const;

private:
    Parameters m_parameters;
};

} // namespace democluster
