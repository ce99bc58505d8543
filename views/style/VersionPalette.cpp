// SPDX-License-Identifier: Apache-2.0
#include "VersionPalette.h"

#include <QHash>
#include <QRegularExpression>

#include <array>

QColor VersionPalette::colorFor(const QString& version)
{
    // Okabe-Ito colours: distinguishable for colour-blind viewers and on projectors.
    static const std::array<QColor, 7> palette{QColor(0x00, 0x72, 0xB2), QColor(0xE6, 0x9F, 0x00),
                                               QColor(0xCC, 0x79, 0xA7), QColor(0x00, 0x9E, 0x73),
                                               QColor(0xD5, 0x5E, 0x00), QColor(0x56, 0xB4, 0xE9),
                                               QColor(0x99, 0x99, 0x33)};
    static const QRegularExpression numbered(QStringLiteral("^v(\\d+)$"));
    const QRegularExpressionMatch match = numbered.match(version);
    const std::size_t index = match.hasMatch() ? std::size_t(match.captured(1).toInt() + palette.size() - 1)
                                               : std::size_t(qHash(version));
    return palette[index % palette.size()];
}
