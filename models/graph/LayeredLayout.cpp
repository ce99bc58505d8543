// SPDX-License-Identifier: Apache-2.0
#include "LayeredLayout.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <vector>

namespace {

// Adjacency in compressed rows: the neighbours of node i are items[offsets[i] .. offsets[i + 1]).
struct Adjacency {
    std::vector<int> offsets;
    std::vector<int> items;

    Adjacency(int nodeCount, const QList<LayeredLayout::Link>& links, bool forward)
        : offsets(size_t(nodeCount) + 1, 0)
    {
        for (const auto& link : links)
            ++offsets[size_t(forward ? link.source : link.target) + 1];
        for (size_t i = 1; i < offsets.size(); ++i)
            offsets[i] += offsets[i - 1];
        items.resize(size_t(offsets.back()));
        std::vector<int> fill(offsets.begin(), offsets.end() - 1);
        for (const auto& link : links)
            items[size_t(fill[size_t(forward ? link.source : link.target)]++)] = forward ? link.target : link.source;
    }
    const int* begin(int node) const { return items.data() + offsets[size_t(node)]; }
    const int* end(int node) const { return items.data() + offsets[size_t(node) + 1]; }
};

QList<LayeredLayout::Link> validLinks(int nodeCount, const QList<LayeredLayout::Link>& links)
{
    QList<LayeredLayout::Link> valid;
    valid.reserve(links.size());
    for (const auto& link : links) {
        if (link.source != link.target && link.source >= 0 && link.target >= 0 && link.source < nodeCount
            && link.target < nodeCount)
            valid.append(link);
    }
    return valid;
}

// Longest path from the callers. A depth-first walk (iterative: call chains can be long) drops the
// back edges of call cycles, so a cycle cannot push layers to infinity; the rest is a DAG.
std::vector<int> layering(int nodeCount, const Adjacency& successors)
{
    enum : char { New, OnStack, Done };
    std::vector<char> state(size_t(nodeCount), New);
    std::vector<int> postOrder;
    postOrder.reserve(size_t(nodeCount));
    std::vector<std::pair<int, const int*>> stack;
    std::vector<std::vector<int>> dagPredecessors(static_cast<size_t>(nodeCount));
    for (int root = 0; root < nodeCount; ++root) {
        if (state[size_t(root)] != New)
            continue;
        stack.emplace_back(root, successors.begin(root));
        state[size_t(root)] = OnStack;
        while (!stack.empty()) {
            auto& [node, next] = stack.back();
            if (next == successors.end(node)) {
                state[size_t(node)] = Done;
                postOrder.push_back(node);
                stack.pop_back();
                continue;
            }
            const int child = *next++;
            if (state[size_t(child)] == OnStack)
                continue; // back edge: a call cycle
            dagPredecessors[size_t(child)].push_back(node);
            if (state[size_t(child)] == New) {
                state[size_t(child)] = OnStack;
                stack.emplace_back(child, successors.begin(child));
            }
        }
    }
    // Reverse post-order is a topological order of the DAG.
    std::vector<int> layer(size_t(nodeCount), 0);
    for (auto it = postOrder.rbegin(); it != postOrder.rend(); ++it) {
        for (int p : dagPredecessors[size_t(*it)])
            layer[size_t(*it)] = std::max(layer[size_t(*it)], layer[size_t(p)] + 1);
    }
    return layer;
}

// The most rows a layer may take before it wraps into another column: the height whose picture is
// closest to `aspectRatio`, or no limit when the unwrapped picture is close enough already.
std::size_t rowsPerColumn(const std::vector<std::vector<int>>& layers, double aspectRatio)
{
    std::size_t tallest = 0;
    for (const auto& members : layers)
        tallest = std::max(tallest, members.size());
    const auto misfit = [&](std::size_t rows) {
        std::size_t columns = 0;
        for (const auto& members : layers)
            columns += std::max<std::size_t>(1, (members.size() + rows - 1) / rows);
        const double width = double(columns) * LayeredLayout::LayerSpacing;
        const double height = double(rows) * LayeredLayout::RowSpacing;
        return std::abs(std::log(width / height / aspectRatio));
    };
    if (tallest == 0 || misfit(tallest) <= std::log(2.0))
        return std::max<std::size_t>(tallest, 1);
    std::size_t best = tallest;
    for (std::size_t rows = tallest - 1; rows >= 1; --rows) {
        if (misfit(rows) < misfit(best))
            best = rows;
    }
    return best;
}

} // namespace

QList<QPointF> LayeredLayout::compute(int nodeCount, const QList<Link>& allLinks, double aspectRatio)
{
    const QList<Link> links = validLinks(nodeCount, allLinks);
    const Adjacency successors(nodeCount, links, true);
    const Adjacency predecessors(nodeCount, links, false);
    const std::vector<int> layer = layering(nodeCount, successors);

    int layerCount = 0;
    for (int l : layer)
        layerCount = std::max(layerCount, l + 1);
    std::vector<std::vector<int>> layers(static_cast<size_t>(layerCount));
    for (int node = 0; node < nodeCount; ++node)
        layers[size_t(layer[size_t(node)])].push_back(node);

    std::vector<int> position(size_t(nodeCount), 0);
    auto renumber = [&](const std::vector<int>& members) {
        for (size_t k = 0; k < members.size(); ++k)
            position[size_t(members[k])] = int(k);
    };
    for (const auto& members : layers)
        renumber(members);

    // A few barycentre sweeps, down then up, reduce crossings without the cost of an exact method.
    std::vector<double> centre(size_t(nodeCount), 0);
    auto order = [&](int i, const Adjacency& neighbours, int neighbourLayer) {
        auto& members = layers[size_t(i)];
        for (int node : members) {
            double sum = 0;
            int count = 0;
            for (const int* n = neighbours.begin(node); n != neighbours.end(node); ++n) {
                if (layer[size_t(*n)] == neighbourLayer) {
                    sum += position[size_t(*n)];
                    ++count;
                }
            }
            centre[size_t(node)] = count ? sum / count : position[size_t(node)];
        }
        std::stable_sort(members.begin(), members.end(),
                         [&](int a, int b) { return centre[size_t(a)] < centre[size_t(b)]; });
        renumber(members);
    };
    for (int sweep = 0; sweep < 4; ++sweep) {
        for (int i = 1; i < layerCount; ++i)
            order(i, predecessors, i - 1);
        for (int i = layerCount - 2; i >= 0; --i)
            order(i, successors, i + 1);
    }

    // A wrapped layer fills its columns row by row, so its order still runs top to bottom and
    // the edges from the layer before stay about level.
    const std::size_t maxRows = rowsPerColumn(layers, aspectRatio);
    std::vector<std::size_t> columnsOf(layers.size());
    std::size_t tallest = 0;
    for (size_t i = 0; i < layers.size(); ++i) {
        columnsOf[i] = std::max<std::size_t>(1, (layers[i].size() + maxRows - 1) / maxRows);
        tallest = std::max(tallest, (layers[i].size() + columnsOf[i] - 1) / columnsOf[i]);
    }
    QList<QPointF> positions(nodeCount);
    std::size_t column = 0;
    for (size_t i = 0; i < layers.size(); ++i) {
        const auto& members = layers[i];
        const std::size_t columns = columnsOf[i];
        const std::size_t rows = (members.size() + columns - 1) / columns;
        // Whole rows, so that nodes placed later fall on the same grid.
        const double top = std::floor((double(tallest) - double(rows)) / 2) * RowSpacing;
        for (size_t k = 0; k < members.size(); ++k) {
            positions[members[k]] = QPointF(double(column + k % columns) * LayerSpacing,
                                            top + double(k / columns) * RowSpacing);
        }
        column += columns;
    }
    return positions;
}

void LayeredLayout::placeNew(QList<QPointF>& positions, const QList<bool>& placedAtStart, const QList<Link>& allLinks)
{
    const int nodeCount = int(positions.size());
    const QList<Link> links = validLinks(nodeCount, allLinks);
    const Adjacency successors(nodeCount, links, true);
    const Adjacency predecessors(nodeCount, links, false);
    std::vector<char> placed(placedAtStart.cbegin(), placedAtStart.cend());

    // The rows taken in each layer column, to find a free slot without scanning every node.
    std::map<int, std::vector<double>> taken;
    auto column = [](const QPointF& p) { return int(std::lround(p.x() / LayerSpacing)); };
    for (int node = 0; node < nodeCount; ++node) {
        if (placed[size_t(node)])
            taken[column(positions[node])].push_back(positions[node].y());
    }
    for (auto& [c, rows] : taken)
        std::sort(rows.begin(), rows.end());
    auto isFree = [&](const std::vector<double>& rows, double y) {
        const auto it = std::lower_bound(rows.begin(), rows.end(), y - RowSpacing + 1);
        return it == rows.end() || *it > y + RowSpacing - 1;
    };

    auto place = [&](int node) {
        int layerOfNode = 0;
        double ySum = 0;
        int yCount = 0;
        bool hasCaller = false;
        for (const int* p = predecessors.begin(node); p != predecessors.end(node); ++p) {
            if (placed[size_t(*p)]) {
                layerOfNode = std::max(layerOfNode, column(positions[*p]) + 1);
                ySum += positions[*p].y();
                ++yCount;
                hasCaller = true;
            }
        }
        int calleeLayer = -1;
        for (const int* s = successors.begin(node); s != successors.end(node); ++s) {
            if (placed[size_t(*s)]) {
                const int c = column(positions[*s]) - 1;
                calleeLayer = calleeLayer < 0 ? c : std::min(calleeLayer, c);
                ySum += positions[*s].y();
                ++yCount;
            }
        }
        if (!hasCaller && calleeLayer >= 0)
            layerOfNode = calleeLayer;
        auto& rows = taken[layerOfNode];
        const double wanted = yCount ? std::round(ySum / yCount / RowSpacing) * RowSpacing
                                     : (rows.empty() ? 0 : rows.back() + RowSpacing);
        double y = wanted;
        for (int step = 1; !isFree(rows, y); ++step)
            y = wanted + (step % 2 ? 1 : -1) * double((step + 1) / 2) * RowSpacing;
        rows.insert(std::lower_bound(rows.begin(), rows.end(), y), y);
        positions[node] = QPointF(layerOfNode * LayerSpacing, y);
        placed[size_t(node)] = 1;
    };

    // Callers first, so a new chain of services extends to the right; whatever a cycle leaves
    // unplaced goes in index order.
    bool progress = true;
    while (progress) {
        progress = false;
        for (int node = 0; node < nodeCount; ++node) {
            if (placed[size_t(node)])
                continue;
            const bool callersReady = std::all_of(predecessors.begin(node), predecessors.end(node),
                                                  [&](int p) { return placed[size_t(p)] != 0; });
            if (callersReady) {
                place(node);
                progress = true;
            }
        }
    }
    for (int node = 0; node < nodeCount; ++node) {
        if (!placed[size_t(node)])
            place(node);
    }
}
