// SPDX-License-Identifier: Apache-2.0
#include "LayeredLayout.h"

#include <algorithm>
#include <functional>

QHash<QString, QPointF> LayeredLayout::compute(const QStringList& nodes, const QList<Link>& links)
{
    QHash<QString, QList<QString>> successors;
    QHash<QString, QList<QString>> predecessors;
    for (const Link& link : links) {
        if (link.source == link.target || !nodes.contains(link.source) || !nodes.contains(link.target))
            continue;
        successors[link.source].append(link.target);
        predecessors[link.target].append(link.source);
    }

    // Longest-path layering over a depth-first order; a back edge (a call cycle) is ignored so
    // that cycles cannot push layers to infinity.
    QHash<QString, int> layer;
    QHash<QString, int> state; // 0 new, 1 on the stack, 2 done
    std::function<int(const QString&)> depth = [&](const QString& node) -> int {
        if (state.value(node) == 2)
            return layer.value(node);
        state.insert(node, 1);
        int d = 0;
        for (const QString& p : predecessors.value(node)) {
            if (state.value(p) == 1)
                continue;
            d = std::max(d, depth(p) + 1);
        }
        state.insert(node, 2);
        layer.insert(node, d);
        return d;
    };
    QStringList sorted = nodes;
    std::sort(sorted.begin(), sorted.end());
    int layerCount = 0;
    for (const QString& node : sorted)
        layerCount = std::max(layerCount, depth(node) + 1);

    QList<QStringList> layers(layerCount);
    for (const QString& node : sorted)
        layers[layer.value(node)].append(node);

    // A few barycentre sweeps, down then up, reduce crossings without the cost of an exact method.
    auto order = [&](int i, const QHash<QString, QList<QString>>& neighbours, int neighbourLayer) {
        if (neighbourLayer < 0 || neighbourLayer >= layerCount)
            return;
        QHash<QString, int> position;
        for (int k = 0; k < layers[neighbourLayer].size(); ++k)
            position.insert(layers[neighbourLayer][k], k);
        QHash<QString, double> centre;
        for (int k = 0; k < layers[i].size(); ++k) {
            const QString& node = layers[i][k];
            double sum = 0;
            int count = 0;
            for (const QString& n : neighbours.value(node)) {
                if (position.contains(n)) {
                    sum += position.value(n);
                    ++count;
                }
            }
            centre.insert(node, count ? sum / count : k);
        }
        std::stable_sort(layers[i].begin(), layers[i].end(),
                         [&](const QString& a, const QString& b) { return centre.value(a) < centre.value(b); });
    };
    for (int sweep = 0; sweep < 4; ++sweep) {
        for (int i = 1; i < layerCount; ++i)
            order(i, predecessors, i - 1);
        for (int i = layerCount - 2; i >= 0; --i)
            order(i, successors, i + 1);
    }

    qsizetype tallest = 0;
    for (const QStringList& l : layers)
        tallest = std::max(tallest, l.size());
    QHash<QString, QPointF> positions;
    for (int i = 0; i < layerCount; ++i) {
        const double top = (double(tallest) - double(layers[i].size())) * RowSpacing / 2;
        for (int k = 0; k < layers[i].size(); ++k)
            positions.insert(layers[i][k], QPointF(i * LayerSpacing, top + k * RowSpacing));
    }
    return positions;
}
