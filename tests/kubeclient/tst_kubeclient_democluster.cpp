// SPDX-License-Identifier: Apache-2.0
// KubeClient against the real demo cluster binary over TLS with its bearer tokens: a write that
// races a real `kubectl patch` (409, re-read, the operator's edit re-applied on top of kubectl's),
// and the viewer user, whose writes the server refuses.
#include "DemoClusterProcess.h"
#include "TestServer.h"
#include "TestSupport.h"

#include "kubeclient/AccessReviewCache.h"
#include "kubeclient/ClusterIdentity.h"
#include "kubeclient/Kubeconfig.h"
#include "kubeclient/KubeClient.h"
#include "kubeclient/OptimisticUpdate.h"
#include "kubeclient/ResourceKind.h"

#include <nlohmann/json.hpp>

#include <QFile>
#include <QProcess>
#include <QTest>

#include <optional>

using kube::EditVerdict;
using kube::OptimisticUpdate;
using kube::UpdateResult;
using kube::WriteMethod;
using nlohmann::json;
using namespace std::chrono_literals;

Q_DECLARE_METATYPE(kube::WriteMethod)

namespace {

const QString Kubectl = QStringLiteral("/usr/bin/kubectl");
// A function, not a global: kinds::VirtualServices lives in another translation unit, so a global
// built from it could be initialised before it.
std::string reviewsPath()
{
    return kube::kinds::VirtualServices.objectPath("bookinfo", "reviews");
}

// The kubectl an operator would run, with its own cache folder so nothing leaks between tests.
bool runKubectl(const DemoClusterProcess& cluster, const QStringList& arguments, QByteArray& errors)
{
    QProcess kubectl;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("KUBECACHEDIR"), cluster.workDir() + QStringLiteral("/kubecache"));
    environment.insert(QStringLiteral("HOME"), cluster.workDir());
    environment.remove(QStringLiteral("KUBECONFIG"));
    kubectl.setProcessEnvironment(environment);
    kubectl.start(Kubectl, QStringList{QStringLiteral("--kubeconfig"), cluster.kubeconfigPath()} + arguments);
    const bool finished = kubectl.waitForFinished(60000);
    errors = kubectl.readAllStandardError() + kubectl.errorString().toUtf8();
    return finished && kubectl.exitStatus() == QProcess::NormalExit && kubectl.exitCode() == 0;
}

std::string label(const json& object, const std::string& name)
{
    const auto labels = object.value("/metadata/labels"_json_pointer, json::object());
    return labels.value(name, "");
}

} // namespace

class TestKubeClientDemoCluster : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void conflictWithKubectlIsRetried_data();
    void conflictWithKubectlIsRetried();
    void viewerIsRefusedWrites();

private:
    DemoClusterProcess m_cluster;
};

void TestKubeClientDemoCluster::initTestCase()
{
    QVERIFY2(m_cluster.start(), qPrintable(m_cluster.errorString()));
}

void TestKubeClientDemoCluster::conflictWithKubectlIsRetried_data()
{
    QTest::addColumn<WriteMethod>("method");
    QTest::addColumn<QByteArray>("marker");
    QTest::newRow("put") << WriteMethod::Put << QByteArrayLiteral("put");
    QTest::newRow("merge patch") << WriteMethod::MergePatch << QByteArrayLiteral("merge");
    QTest::newRow("json patch") << WriteMethod::JsonPatch << QByteArrayLiteral("json");
}

void TestKubeClientDemoCluster::conflictWithKubectlIsRetried()
{
    QFETCH(WriteMethod, method);
    QFETCH(QByteArray, marker);
    if (!QFile::exists(Kubectl))
        QSKIP("kubectl is not installed (/usr/bin/kubectl)");
    auto connection = m_cluster.connection();
    QVERIFY(std::holds_alternative<kube::ClusterConnection>(connection));
    TaskQueue queue;
    kube::KubeClient client(std::get<kube::ClusterConnection>(connection), queue.executor());

    // The operator's intent: label the object with this row's marker. On its first call, while
    // MeshDeck holds the object it read, a colleague runs kubectl on the same object, so the write
    // that follows carries a stale resourceVersion.
    int edits = 0;
    QByteArray kubectlErrors;
    bool kubectlOk = false;
    std::vector<std::string> seenByEdit;
    auto edit = [&](json& object) {
        if (++edits == 1) {
            kubectlOk = runKubectl(m_cluster,
                                   {QStringLiteral("patch"), QStringLiteral("virtualservice"), QStringLiteral("reviews"),
                                    QStringLiteral("-n"), QStringLiteral("bookinfo"), QStringLiteral("--type"),
                                    QStringLiteral("merge"), QStringLiteral("-p"),
                                    QStringLiteral(R"({"metadata":{"labels":{"colleague":"%1"}}})")
                                        .arg(QString::fromLatin1(marker))},
                                   kubectlErrors);
        }
        seenByEdit.push_back(label(object, "colleague"));
        object["metadata"]["labels"]["meshdeck"] = str(marker);
        return EditVerdict::apply();
    };
    std::optional<UpdateResult> result;
    OptimisticUpdate update(client, reviewsPath(), edit, [&](UpdateResult r) { result = std::move(r); }, method);
    update.start();
    QVERIFY(queue.runUntil([&] { return result.has_value(); }, 60s));
    QVERIFY2(kubectlOk, kubectlErrors.constData());
    QVERIFY2(result->error.ok(), result->error.describe().c_str());
    QCOMPARE(int(result->outcome), int(UpdateResult::Outcome::Updated));
    // The first write conflicted; the second, made from a fresh read, won.
    QCOMPARE(result->attempts, 2);
    QCOMPARE(edits, 2);
    QCOMPARE(seenByEdit, (std::vector<std::string>{"", str(marker)}));

    // Both changes are on the server: kubectl's was not overwritten.
    std::optional<kube::JsonResult> fresh;
    client.get(reviewsPath(), [&](kube::JsonResult r) { fresh = std::move(r); });
    QVERIFY(queue.runUntil([&] { return fresh.has_value(); }));
    QVERIFY2(fresh->error.ok(), fresh->error.describe().c_str());
    QCOMPARE(label(*fresh->object, "colleague"), str(marker));
    QCOMPARE(label(*fresh->object, "meshdeck"), str(marker));
    QVERIFY(*fresh->object == *result->object);

    // Leave the object for the next row without the colleague's label, so its first read differs.
    std::optional<kube::JsonResult> cleaned;
    client.patch(reviewsPath(), kube::PatchType::Merge, R"({"metadata":{"labels":{"colleague":null}}})",
                 [&](kube::JsonResult r) { cleaned = std::move(r); });
    QVERIFY(queue.runUntil([&] { return cleaned.has_value(); }));
    QVERIFY2(cleaned->error.ok(), cleaned->error.describe().c_str());
}

void TestKubeClientDemoCluster::viewerIsRefusedWrites()
{
    auto connection = m_cluster.connection("meshdeck-demo-viewer");
    if (const auto* error = std::get_if<kube::KubeconfigError>(&connection))
        QFAIL(error->message.c_str());
    QVERIFY(std::get<kube::ClusterConnection>(connection).server.starts_with("https://"));
    QVERIFY(!std::get<kube::ClusterConnection>(connection).bearerToken.empty());
    TaskQueue queue;
    kube::KubeClient client(std::get<kube::ClusterConnection>(connection), queue.executor());

    // Whom the server sees: the viewer account behind the context.
    std::optional<kube::UserIdentity> identity;
    kube::requestIdentity(client, [&](kube::UserIdentity i) { identity = std::move(i); });
    QVERIFY(queue.runUntil([&] { return identity.has_value(); }));
    QVERIFY2(identity->error.ok(), identity->error.describe().c_str());
    QVERIFY(!identity->username.empty());

    // Reading is allowed.
    std::optional<kube::JsonResult> read;
    client.get(reviewsPath(), [&](kube::JsonResult r) { read = std::move(r); });
    QVERIFY(queue.runUntil([&] { return read.has_value(); }));
    QVERIFY2(read->error.ok(), read->error.describe().c_str());

    // Every write is a typed 403 carrying the server's Status verbatim, naming the user.
    std::vector<std::optional<kube::JsonResult>> writes(3);
    client.patch(reviewsPath(), kube::PatchType::Merge, R"({"metadata":{"labels":{"viewer":"was here"}}})",
                 [&](kube::JsonResult r) { writes[0] = std::move(r); });
    client.put(reviewsPath(), read->object->dump(), [&](kube::JsonResult r) { writes[1] = std::move(r); });
    client.remove(reviewsPath(), [&](kube::JsonResult r) { writes[2] = std::move(r); });
    QVERIFY(queue.runUntil([&] { return writes[0] && writes[1] && writes[2]; }));
    for (const auto& write : writes) {
        QCOMPARE(int(write->error.kind), int(kube::ApiError::Kind::Api));
        QCOMPARE(write->error.httpStatus, 403L);
        QCOMPARE(write->error.reason, std::string("Forbidden"));
        QVERIFY2(write->error.message.find("User \"" + identity->username + "\"") != std::string::npos,
                 write->error.message.c_str());
        QVERIFY(write->error.describe().starts_with("403 Forbidden: "));
    }

    // The UI learns the same before trying.
    kube::AccessReviewCache reviews(client);
    std::optional<kube::AccessDecision> mayPatch;
    std::optional<kube::AccessDecision> mayWatch;
    reviews.check({"patch", "networking.istio.io", "virtualservices", "bookinfo", ""},
                  [&](const kube::AccessDecision& d) { mayPatch = d; });
    reviews.check({"watch", "networking.istio.io", "virtualservices", "bookinfo", ""},
                  [&](const kube::AccessDecision& d) { mayWatch = d; });
    QVERIFY(queue.runUntil([&] { return mayPatch && mayWatch; }));
    QVERIFY2(mayPatch->error.ok(), mayPatch->error.describe().c_str());
    QVERIFY(!mayPatch->allowed);
    QVERIFY(mayWatch->allowed);

    // The admin context of the same kubeconfig is someone else, who may patch.
    auto admin = m_cluster.connection();
    QVERIFY(std::holds_alternative<kube::ClusterConnection>(admin));
    kube::KubeClient adminClient(std::get<kube::ClusterConnection>(admin), queue.executor());
    std::optional<kube::UserIdentity> adminIdentity;
    kube::requestIdentity(adminClient, [&](kube::UserIdentity i) { adminIdentity = std::move(i); });
    QVERIFY(queue.runUntil([&] { return adminIdentity.has_value(); }));
    QVERIFY(adminIdentity->username != identity->username);
}

QTEST_APPLESS_MAIN(TestKubeClientDemoCluster)
#include "tst_kubeclient_democluster.moc"
