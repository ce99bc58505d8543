// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "MeshTopology.h"

#include <QList>
#include <QString>
#include <QStringList>

// Something the loader was not allowed to read: a whole namespace (kind empty) or one kind of
// object in it. Users without cluster-wide rights get a graph of what they may see, and this says
// what is missing from it and why.
struct HiddenPart {
    QString namespaceName;
    QString kind;   // the resource's plural ("virtualservices"); empty: the whole namespace
    QString reason; // the API server's own message ("forbidden: User … cannot list …")

    // "virtualservices in bookinfo — forbidden: …", or "namespace payments — forbidden: …"
    QString describe() const;
    bool operator==(const HiddenPart&) const = default;
};

// Whether `name` can be a namespace's: a DNS label (RFC 1123), as the API server checks it.
bool isNamespaceName(const QString& name);

// The topologies of the namespaces shown together, as one refresh read them, and what it left out.
struct MeshTopologies {
    QList<MeshTopology> namespaces; // those that could be read, in the order they were asked for
    QList<HiddenPart> hidden;

    const MeshTopology* find(const QString& namespaceName) const;
    QStringList namespaceNames() const;
    // The first namespace holding a service of that name, or empty.
    QString namespaceOfService(const QString& service) const;
};
