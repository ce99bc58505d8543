// SPDX-License-Identifier: Apache-2.0
#include "TestSupport.h"

#include "kubeclient/ResourceKind.h"

#include <QTest>

using kube::ResourceKind;

Q_DECLARE_METATYPE(const ResourceKind*)

class TestResourceKind : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void paths_data();
    void paths();
};

void TestResourceKind::paths_data()
{
    QTest::addColumn<const ResourceKind*>("kind");
    QTest::addColumn<QByteArray>("namespaceName");
    QTest::addColumn<QByteArray>("collection");
    QTest::addColumn<QByteArray>("object");

    QTest::newRow("pods") << &kube::kinds::Pods << QByteArray("bookinfo")
                          << QByteArray("/api/v1/namespaces/bookinfo/pods")
                          << QByteArray("/api/v1/namespaces/bookinfo/pods/NAME");
    QTest::newRow("pods in all namespaces") << &kube::kinds::Pods << QByteArray() << QByteArray("/api/v1/pods")
                                            << QByteArray("/api/v1/pods/NAME");
    QTest::newRow("services") << &kube::kinds::Services << QByteArray("default")
                              << QByteArray("/api/v1/namespaces/default/services")
                              << QByteArray("/api/v1/namespaces/default/services/NAME");
    QTest::newRow("namespaces are cluster-scoped")
        << &kube::kinds::Namespaces << QByteArray("ignored") << QByteArray("/api/v1/namespaces")
        << QByteArray("/api/v1/namespaces/NAME");
    QTest::newRow("deployments") << &kube::kinds::Deployments << QByteArray("shop")
                                 << QByteArray("/apis/apps/v1/namespaces/shop/deployments")
                                 << QByteArray("/apis/apps/v1/namespaces/shop/deployments/NAME");
    QTest::newRow("virtualservices") << &kube::kinds::VirtualServices << QByteArray("NS")
                                     << QByteArray("/apis/networking.istio.io/v1/namespaces/NS/virtualservices")
                                     << QByteArray("/apis/networking.istio.io/v1/namespaces/NS/virtualservices/NAME");
    QTest::newRow("destinationrules") << &kube::kinds::DestinationRules << QByteArray("NS")
                                      << QByteArray("/apis/networking.istio.io/v1/namespaces/NS/destinationrules")
                                      << QByteArray("/apis/networking.istio.io/v1/namespaces/NS/destinationrules/NAME");
}

void TestResourceKind::paths()
{
    QFETCH(const ResourceKind*, kind);
    QFETCH(QByteArray, namespaceName);
    QFETCH(QByteArray, collection);
    QFETCH(QByteArray, object);

    QCOMPARE(kind->collectionPath(str(namespaceName)), str(collection));
    QCOMPARE(kind->objectPath(str(namespaceName), "NAME"), str(object));
}

QTEST_APPLESS_MAIN(TestResourceKind)
#include "tst_resourcekind.moc"
