// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QColor>
#include <QString>

// One colour per version, the same in the graph, the traffic panel and every chart: "v2" is always
// the same colour whichever service it belongs to.
class VersionPalette {
public:
    static QColor colorFor(const QString& version);
};
