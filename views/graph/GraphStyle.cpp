// SPDX-License-Identifier: Apache-2.0
#include "GraphStyle.h"

#include "views/style/ViewLook.h"

#include <QCoreApplication>
#include <QGuiApplication>

GraphStyle::GraphStyle()
{
    applyLook();
}

void GraphStyle::applyLook()
{
    const ViewLook* look = ViewLook::instance();
    colors = look->colors();
    lineScale = look->lineScale();
    font = QGuiApplication::font();
    // Nodes are boxes of a fixed size in the scene, sized for the usual font: while presenting the
    // graph grows with the zoom (fit to a full screen), not with the application's larger font.
    if (look->isPresenting())
        font.setPointSizeF(font.pointSizeF() / ViewLook::PresentationFontScale);
    boldFont = font;
    boldFont.setBold(true);
    smallFont = font;
    smallFont.setPointSizeF(font.pointSizeF() * 0.85);
    ++fontGeneration;
}

QString GraphStyle::edgeText(const GraphEdge& edge) const
{
    auto latency = [](double ms) {
        return ms < 0 ? QCoreApplication::translate("GraphStyle", "n/a")
                      : QCoreApplication::translate("GraphStyle", "%1 ms").arg(ms, 0, 'f', ms < 10 ? 1 : 0);
    };
    switch (edgeLabel) {
    case EdgeLabel::None:
        return {};
    case EdgeLabel::RequestsPerSecond:
        return QCoreApplication::translate("GraphStyle", "%1 rps").arg(edge.requestsPerSecond, 0, 'f', 1);
    case EdgeLabel::Share:
        return QCoreApplication::translate("GraphStyle", "%1 %").arg(edge.share * 100, 0, 'f', 0);
    case EdgeLabel::ErrorRate:
        return QCoreApplication::translate("GraphStyle", "%1 % err").arg((edge.errorRatio + edge.clientErrorRatio) * 100, 0, 'f', 1);
    case EdgeLabel::LatencyP50:
        return latency(edge.p50Ms);
    case EdgeLabel::LatencyP95:
        return latency(edge.p95Ms);
    case EdgeLabel::LatencyP99:
        return latency(edge.p99Ms);
    }
    return {};
}

QColor GraphStyle::healthColor(Health health)
{
    switch (health) {
    case Health::Failing:
        return QColor(0xC9, 0x19, 0x0B);
    case Health::Degraded:
        return QColor(0xEC, 0x7A, 0x08);
    case Health::Healthy:
        break;
    }
    return QColor(0x3E, 0x8E, 0x41);
}
