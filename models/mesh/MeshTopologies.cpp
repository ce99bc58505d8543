// SPDX-License-Identifier: Apache-2.0
#include "MeshTopologies.h"

#include <QCoreApplication>
#include <QRegularExpression>

bool isNamespaceName(const QString& name)
{
    static const QRegularExpression dnsLabel(QStringLiteral("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"));
    return name.size() <= 63 && dnsLabel.match(name).hasMatch();
}

QString HiddenPart::describe() const
{
    const QString what = kind.isEmpty() ? QCoreApplication::translate("HiddenPart", "namespace %1").arg(namespaceName)
                                        : QCoreApplication::translate("HiddenPart", "%1 in %2").arg(kind, namespaceName);
    return what + QStringLiteral(" — ") + reason;
}

const MeshTopology* MeshTopologies::find(const QString& namespaceName) const
{
    for (const MeshTopology& topology : namespaces) {
        if (topology.namespaceName == namespaceName)
            return &topology;
    }
    return nullptr;
}

QStringList MeshTopologies::namespaceNames() const
{
    QStringList names;
    for (const MeshTopology& topology : namespaces)
        names.append(topology.namespaceName);
    return names;
}

QString MeshTopologies::namespaceOfService(const QString& service) const
{
    for (const MeshTopology& topology : namespaces) {
        if (topology.service(service))
            return topology.namespaceName;
    }
    return {};
}
