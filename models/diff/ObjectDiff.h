// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <QList>
#include <QString>

// What a change does to a Kubernetes object, as the operator reads it: both versions written as
// YAML (without the server's bookkeeping such as managedFields), compared line by line like
// `kubectl diff`. Used to preview a change before it is sent and to review the audit log.
struct DiffLine {
    enum class Kind { Same, Removed, Added };
    Kind kind = Kind::Same;
    QString text;

    bool operator==(const DiffLine&) const = default;
};

class ObjectDiff {
public:
    static QList<DiffLine> compare(const nlohmann::json& before, const nlohmann::json& after);
    // The same for objects kept as JSON text (the audit log's); empty or unreadable text is no object.
    static QList<DiffLine> compareJson(const QByteArray& before, const QByteArray& after);
    // Line diff of two texts: the longest common subsequence of lines kept, the rest removed/added.
    static QList<DiffLine> compareLines(const QStringList& before, const QStringList& after);
    // The object as YAML, block style, keys sorted, server bookkeeping left out.
    static QString yaml(const nlohmann::json& object);
    // Unified-diff text: changed lines with `context` unchanged lines around them, "-"/"+"/" "
    // prefixes, and "…" where unchanged lines were skipped. Empty when nothing changed.
    static QString unified(const QList<DiffLine>& lines, int context = 3);
};
