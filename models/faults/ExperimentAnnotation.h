// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "Experiment.h"

#include <QList>
#include <QString>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>

// How an experiment is recorded on the VirtualService it changes, so that any MeshDeck instance
// (or an operator with kubectl) can tell what runs, until when, who started it, and how to undo it
// exactly: one annotation per experiment, `meshdeck.io/experiment-<id>`, whose value is JSON with
// the experiment and spec.http as it was before the fault and right after it. Experiments on one
// object never share a key, so writing one leaves the others alone.
class ExperimentAnnotation {
public:
    static constexpr const char* KeyPrefix = "meshdeck.io/experiment-";

    // The recorded form of one experiment.
    struct Record {
        Experiment experiment;
        std::string httpBefore; // spec.http before the fault, as JSON
        std::string httpAfter;  // spec.http right after it, as JSON
    };

    // A fresh id, short enough for an annotation key and a route name ("fx-1a2b3c4d").
    static QString newId();
    static std::string key(const QString& id);

    static std::string encode(const Record& record);
    // The record in an annotation value; nullopt when the value is not one (hand-edited, other tool).
    // namespaceName and virtualService come from the object, not the value.
    static std::optional<Record> decode(const std::string& value, const QString& namespaceName,
                                        const QString& virtualService);

    // Every experiment recorded on a VirtualService, in key order.
    static QList<Record> readAll(const nlohmann::json& virtualService);
};
