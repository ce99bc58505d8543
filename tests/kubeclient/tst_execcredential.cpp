// SPDX-License-Identifier: Apache-2.0
#include "TestServer.h"
#include "TestSupport.h"

#include "kubeclient/ExecCredentialPlugin.h"
#include "kubeclient/KubeClient.h"
#include "kubeclient/Kubeconfig.h"

#include <nlohmann/json.hpp>

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <future>

using kube::ApiError;
using kube::ClusterConnection;
using kube::CredentialResult;
using kube::ExecConfig;
using kube::ExecCredentialPlugin;
using kube::JsonResult;
using kube::KubeClient;
using namespace std::chrono_literals;

namespace {


CredentialResult fetchNow(kube::CredentialSource& source, std::chrono::seconds timeout = 20s)
{
    auto promise = std::make_shared<std::promise<CredentialResult>>();
    auto future = promise->get_future();
    source.fetch([promise](CredentialResult result) { promise->set_value(std::move(result)); });
    if (future.wait_for(timeout) != std::future_status::ready)
        return {nullptr, "test: no answer in time"};
    return future.get();
}

bool contains(const std::string& text, const std::string& part)
{
    return text.find(part) != std::string::npos;
}

} // namespace

class TestExecCredential : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void init();

    void cachedUntilExpiry_data();
    void cachedUntilExpiry();
    void concurrentFetchesRunOnce();
    void invalidateRenewsOnlyTheRejected();
    void execInfoArgsAndEnv_data();
    void execInfoArgsAndEnv();
    void missingCommandShowsInstallHint();
    void failureShowsStderr();
    void timeoutStopsThePlugin();
    void unusableAnswers_data();
    void unusableAnswers();
    void destroyingStopsARunningPlugin();
    void parseOutput_data();
    void parseOutput();
    void validate();
    void refreshOnceOn401ThroughKubeconfig();
    void pluginFailureIsCredentialError();

private:
    ExecConfig config(const char* apiVersion = "client.authentication.k8s.io/v1") const;
    void setFile(const char* name, const QByteArray& content);
    int runs() const;
    QByteArray file(const char* name) const;

    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_plugin;
};

void TestExecCredential::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    m_plugin = m_dir->filePath(QStringLiteral("plugin"));
    // A copy per test, so its state files start empty.
    QVERIFY(QFile::copy(QStringLiteral(MESHDECK_SOURCE_DIR "/tests/kubeclient/exec-plugin.sh"), m_plugin));
    QFile::setPermissions(m_plugin, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
}

ExecConfig TestExecCredential::config(const char* apiVersion) const
{
    ExecConfig exec;
    exec.apiVersion = apiVersion;
    exec.command = m_plugin.toStdString();
    exec.interactiveMode = ExecConfig::InteractiveMode::IfAvailable;
    return exec;
}

void TestExecCredential::setFile(const char* name, const QByteArray& content)
{
    QFile file(m_dir->filePath(QString::fromLatin1(name)));
    if (!file.open(QIODevice::WriteOnly) || file.write(content) != content.size())
        qFatal("cannot write %s", name);
}

QByteArray TestExecCredential::file(const char* name) const
{
    QFile file(m_dir->filePath(QString::fromLatin1(name)));
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

int TestExecCredential::runs() const
{
    return file("count").trimmed().toInt();
}

void TestExecCredential::cachedUntilExpiry_data()
{
    QTest::addColumn<QByteArray>("apiVersion");
    QTest::newRow("v1") << QByteArray("client.authentication.k8s.io/v1");
    QTest::newRow("v1beta1") << QByteArray("client.authentication.k8s.io/v1beta1");
}

void TestExecCredential::cachedUntilExpiry()
{
    QFETCH(QByteArray, apiVersion);
    setFile("ttl", "2");
    ExecCredentialPlugin plugin(config(apiVersion.constData()), "eks-user");

    const CredentialResult first = fetchNow(plugin);
    QVERIFY2(first.credential, first.error.c_str());
    QCOMPARE(first.credential->token, std::string("token-1"));
    QVERIFY(first.credential->expiry);
    const CredentialResult again = fetchNow(plugin);
    QCOMPARE(again.credential, first.credential);
    QCOMPARE(runs(), 1);

    // Past expirationTimestamp (whole seconds, so at most 2 s away) the plugin runs again.
    std::this_thread::sleep_until(*first.credential->expiry + 50ms);
    const CredentialResult renewed = fetchNow(plugin);
    QVERIFY2(renewed.credential, renewed.error.c_str());
    QCOMPARE(renewed.credential->token, std::string("token-2"));
    QCOMPARE(runs(), 2);
}

void TestExecCredential::concurrentFetchesRunOnce()
{
    ExecCredentialPlugin plugin(config(), "u");
    std::vector<std::future<CredentialResult>> answers;
    for (int i = 0; i < 8; ++i)
        answers.push_back(std::async(std::launch::async, [&plugin] { return fetchNow(plugin); }));
    for (auto& answer : answers) {
        const CredentialResult result = answer.get();
        QVERIFY2(result.credential, result.error.c_str());
        QCOMPARE(result.credential->token, std::string("token-1"));
    }
    QCOMPARE(runs(), 1);
}

void TestExecCredential::invalidateRenewsOnlyTheRejected()
{
    ExecCredentialPlugin plugin(config(), "u");
    const auto first = fetchNow(plugin).credential;
    QVERIFY(first);
    plugin.invalidate(first);
    const auto second = fetchNow(plugin).credential;
    QVERIFY(second);
    QCOMPARE(second->token, std::string("token-2"));
    // A late 401 for the old token must not throw away the new one.
    plugin.invalidate(first);
    QCOMPARE(fetchNow(plugin).credential, second);
    QCOMPARE(runs(), 2);
}

void TestExecCredential::execInfoArgsAndEnv_data()
{
    QTest::addColumn<QByteArray>("apiVersion");
    QTest::addColumn<bool>("provideClusterInfo");
    QTest::newRow("v1 with cluster info") << QByteArray("client.authentication.k8s.io/v1") << true;
    QTest::newRow("v1beta1 without") << QByteArray("client.authentication.k8s.io/v1beta1") << false;
}

void TestExecCredential::execInfoArgsAndEnv()
{
    QFETCH(QByteArray, apiVersion);
    QFETCH(bool, provideClusterInfo);

    ExecConfig exec = config(apiVersion.constData());
    exec.args = {"eks", "get-token", "--cluster-name", "with space"};
    exec.env = {{"PLUGIN_GREETING", "hello from the kubeconfig"}};
    exec.provideClusterInfo = provideClusterInfo;
    exec.cluster = {"https://10.0.0.1:6443", "kubernetes.default.svc", false, "CA PEM\n", ""};
    ExecCredentialPlugin plugin(exec, "u");
    const CredentialResult result = fetchNow(plugin);
    QVERIFY2(result.credential, result.error.c_str());

    QCOMPARE(file("args"), QByteArray("eks\nget-token\n--cluster-name\nwith space\n"));
    QCOMPARE(file("env"), QByteArray("hello from the kubeconfig"));
    const auto info = nlohmann::json::parse(file("execinfo").toStdString());
    QCOMPARE(info["apiVersion"].get<std::string>(), str(apiVersion));
    QCOMPARE(info["kind"].get<std::string>(), std::string("ExecCredential"));
    QCOMPARE(info["spec"]["interactive"].get<bool>(), false);
    QCOMPARE(info["spec"].contains("cluster"), provideClusterInfo);
    if (provideClusterInfo) {
        const auto& cluster = info["spec"]["cluster"];
        QCOMPARE(cluster["server"].get<std::string>(), std::string("https://10.0.0.1:6443"));
        QCOMPARE(cluster["tls-server-name"].get<std::string>(), std::string("kubernetes.default.svc"));
        QCOMPARE(cluster["certificate-authority-data"].get<std::string>(), QByteArray("CA PEM\n").toBase64().toStdString());
        QVERIFY(!cluster.contains("insecure-skip-tls-verify"));
        QVERIFY(!cluster.contains("proxy-url"));
    }
}

void TestExecCredential::missingCommandShowsInstallHint()
{
    ExecConfig exec = config();
    exec.command = "gke-gcloud-auth-plugin-not-installed-here";
    exec.installHint = "Install gke-gcloud-auth-plugin for use with kubectl by following the provider's documentation";
    ExecCredentialPlugin plugin(exec, "gke-user");
    const CredentialResult result = fetchNow(plugin);
    QVERIFY(!result.credential);
    QCOMPARE(result.error, std::string("the exec credential plugin \"gke-gcloud-auth-plugin-not-installed-here\" of user "
                                       "\"gke-user\" is not installed: it was not found in PATH. Install "
                                       "gke-gcloud-auth-plugin for use with kubectl by following the provider's "
                                       "documentation"));
}

void TestExecCredential::failureShowsStderr()
{
    setFile("mode", "fail");
    ExecCredentialPlugin plugin(config(), "eks-user");
    const CredentialResult result = fetchNow(plugin);
    QVERIFY(!result.credential);
    QVERIFY2(contains(result.error, "failed with exit code 3"), result.error.c_str());
    QVERIFY2(contains(result.error, "it said: error: the SSO session has expired; run: aws sso login"), result.error.c_str());
    // A failure is not cached: once the operator has logged in, the next request works.
    setFile("mode", "");
    const CredentialResult later = fetchNow(plugin);
    QVERIFY2(later.credential, later.error.c_str());
    QCOMPARE(runs(), 2);
}

void TestExecCredential::timeoutStopsThePlugin()
{
    setFile("mode", "sleep");
    ExecCredentialPlugin plugin(config(), "u", 300ms);
    const auto started = std::chrono::steady_clock::now();
    const CredentialResult result = fetchNow(plugin);
    QVERIFY(std::chrono::steady_clock::now() - started < 5s);
    QVERIFY(!result.credential);
    QVERIFY2(contains(result.error, "did not finish within 300 ms and was stopped; it said: waiting for the browser"),
             result.error.c_str());
}

void TestExecCredential::unusableAnswers_data()
{
    QTest::addColumn<QByteArray>("mode");
    QTest::addColumn<QByteArray>("expected");
    QTest::newRow("not JSON") << QByteArray("garbage") << QByteArray("ran, but its answer is not usable: it is not a JSON object");
    QTest::newRow("other apiVersion") << QByteArray("wrong-version")
                                      << QByteArray("ran, but its answer is not usable: it has apiVersion "
                                                    "\"client.authentication.k8s.io/v1alpha1\" but the kubeconfig asks "
                                                    "for \"client.authentication.k8s.io/v1\"");
}

void TestExecCredential::unusableAnswers()
{
    QFETCH(QByteArray, mode);
    QFETCH(QByteArray, expected);
    setFile("mode", mode);
    ExecCredentialPlugin plugin(config(), "u");
    const CredentialResult result = fetchNow(plugin);
    QVERIFY(!result.credential);
    QVERIFY2(contains(result.error, str(expected)), result.error.c_str());
    // What the plugin printed may be a secret: it never reaches the message.
    QVERIFY(!contains(result.error, "secret-looking-output"));
    QVERIFY(!contains(result.error, "token-1"));
}

void TestExecCredential::destroyingStopsARunningPlugin()
{
    setFile("mode", "sleep");
    bool answered = false;
    const auto started = std::chrono::steady_clock::now();
    {
        ExecCredentialPlugin plugin(config(), "u");
        plugin.fetch([&answered](CredentialResult) { answered = true; });
        QTRY_VERIFY(runs() == 1);
    }
    QVERIFY(std::chrono::steady_clock::now() - started < 10s);
    QVERIFY(!answered);
}

void TestExecCredential::parseOutput_data()
{
    QTest::addColumn<QByteArray>("output");
    QTest::addColumn<QByteArray>("error"); // empty: parses
    QTest::addColumn<QByteArray>("token");
    QTest::addColumn<qint64>("expiry"); // seconds since the epoch, 0 for none

    const QByteArray head = R"({"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":)";
    QTest::newRow("token, no expiry") << head + R"({"token":"t"}})" << QByteArray() << QByteArray("t") << qint64(0);
    QTest::newRow("Z time") << head + R"({"token":"t","expirationTimestamp":"2024-05-01T12:00:00Z"}})" << QByteArray()
                            << QByteArray("t") << qint64(1714564800);
    QTest::newRow("fraction and offset")
        << head + R"({"token":"t","expirationTimestamp":"2024-05-01T14:00:00.123456+02:00"}})" << QByteArray()
        << QByteArray("t") << qint64(1714564800);
    QTest::newRow("certificate and key") << head + R"({"clientCertificateData":"-----BEGIN CERTIFICATE-----\nC\n","clientKeyData":"K"}})"
                                         << QByteArray() << QByteArray() << qint64(0);
    QTest::newRow("certificate without key") << head + R"({"clientCertificateData":"C"}})"
                                             << QByteArray("it has a client certificate or key but not both") << QByteArray()
                                             << qint64(0);
    QTest::newRow("empty status") << head + R"({}})" << QByteArray("it has neither a token nor a client certificate and key")
                                  << QByteArray() << qint64(0);
    QTest::newRow("no status") << QByteArray(R"({"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential"})")
                               << QByteArray("it has no status") << QByteArray() << qint64(0);
    QTest::newRow("wrong kind") << QByteArray(R"({"apiVersion":"client.authentication.k8s.io/v1","kind":"Status"})")
                                << QByteArray("its kind is \"Status\", not \"ExecCredential\"") << QByteArray() << qint64(0);
    QTest::newRow("bad time") << head + R"({"token":"t","expirationTimestamp":"tomorrow"}})"
                              << QByteArray("expirationTimestamp \"tomorrow\" is not an RFC 3339 time") << QByteArray()
                              << qint64(0);
}

void TestExecCredential::parseOutput()
{
    QFETCH(QByteArray, output);
    QFETCH(QByteArray, error);
    QFETCH(QByteArray, token);
    QFETCH(qint64, expiry);

    const CredentialResult result = ExecCredentialPlugin::parseOutput("client.authentication.k8s.io/v1", str(output));
    if (!error.isEmpty()) {
        QVERIFY(!result.credential);
        QCOMPARE(result.error, "its answer is not usable: " + str(error));
        return;
    }
    QVERIFY2(result.credential, result.error.c_str());
    QCOMPARE(result.credential->token, str(token));
    if (token.isEmpty()) {
        QCOMPARE(result.credential->clientCertPem, std::string("-----BEGIN CERTIFICATE-----\nC\n"));
        QCOMPARE(result.credential->clientKeyPem, std::string("K"));
    }
    QCOMPARE(bool(result.credential->expiry), expiry != 0);
    if (expiry != 0)
        QCOMPARE(qint64(std::chrono::system_clock::to_time_t(*result.credential->expiry)), expiry);
}

void TestExecCredential::validate()
{
    QVERIFY(!ExecCredentialPlugin::validate(config()));
    ExecConfig always = config();
    always.interactiveMode = ExecConfig::InteractiveMode::Always;
    QVERIFY(ExecCredentialPlugin::validate(always));
    // Never runs the plugin like IfAvailable: stdin is never a terminal here.
    ExecConfig never = config();
    never.interactiveMode = ExecConfig::InteractiveMode::Never;
    QVERIFY(!ExecCredentialPlugin::validate(never));
    ExecCredentialPlugin plugin(never, "u");
    QVERIFY(fetchNow(plugin).credential);
}

void TestExecCredential::refreshOnceOn401ThroughKubeconfig()
{
    std::mutex mutex;
    std::string accepted = "token-1";
    std::vector<std::string> seen;
    auto server = std::make_unique<httplib::Server>();
    server->Get("/api/v1/namespaces", [&](const httplib::Request& request, httplib::Response& response) {
        std::lock_guard lock(mutex);
        const std::string authorization = request.get_header_value("Authorization");
        seen.push_back(authorization);
        if (authorization != "Bearer " + accepted) {
            response.status = 401;
            response.set_content(R"({"kind":"Status","apiVersion":"v1","status":"Failure","message":"Unauthorized",)"
                                 R"("reason":"Unauthorized","code":401})",
                                 "application/json");
            return;
        }
        response.set_content(R"({"kind":"NamespaceList","items":[]})", "application/json");
    });
    LocalServer running(std::move(server));

    // The plugin comes from a kubeconfig next to it, by relative path, as a cloud CLI writes it.
    const QByteArray kubeconfig = "apiVersion: v1\nkind: Config\ncurrent-context: cloud\n"
                                  "clusters:\n- name: c\n  cluster:\n    server: http://127.0.0.1:" +
                                  QByteArray::number(running.port()) +
                                  "\ncontexts:\n- name: cloud\n  context: {cluster: c, user: cloud-user}\n"
                                  "users:\n- name: cloud-user\n  user:\n    exec:\n"
                                  "      apiVersion: client.authentication.k8s.io/v1\n      command: ./plugin\n"
                                  "      interactiveMode: IfAvailable\n";
    setFile("config", kubeconfig);
    const auto loaded = kube::Kubeconfig::load(m_dir->filePath(QStringLiteral("config")).toStdString());
    QVERIFY(std::holds_alternative<kube::Kubeconfig>(loaded));
    const auto connection = std::get<kube::Kubeconfig>(loaded).connection();
    QVERIFY(std::holds_alternative<ClusterConnection>(connection));

    TaskQueue queue;
    KubeClient client(std::get<ClusterConnection>(connection), queue.executor());
    const auto get = [&] {
        std::optional<JsonResult> result;
        client.get("/api/v1/namespaces", [&](JsonResult r) { result = std::move(r); });
        if (!queue.runUntil([&] { return result.has_value(); }))
            qFatal("no answer");
        return *result;
    };

    // Three requests at once share one plugin run.
    std::vector<std::optional<JsonResult>> batch(3);
    for (auto& slot : batch)
        client.get("/api/v1/namespaces", [&slot](JsonResult r) { slot = std::move(r); });
    QVERIFY(queue.runUntil([&] { return batch[0] && batch[1] && batch[2]; }));
    for (const auto& result : batch)
        QVERIFY2(result->error.ok(), result->error.describe().c_str());
    QCOMPARE(runs(), 1);
    QVERIFY(get().error.ok());
    QCOMPARE(runs(), 1);

    // The token is revoked server-side: one 401, one plugin run, the request sent again and answered.
    {
        std::lock_guard lock(mutex);
        accepted = "token-2";
        seen.clear();
    }
    const JsonResult renewed = get();
    QVERIFY2(renewed.error.ok(), renewed.error.describe().c_str());
    QCOMPARE(runs(), 2);
    {
        std::lock_guard lock(mutex);
        QCOMPARE(seen, (std::vector<std::string>{"Bearer token-1", "Bearer token-2"}));
        accepted = "nobody";
        seen.clear();
    }

    // A server that rejects every token: renewed once, then the 401 reaches the caller.
    const JsonResult rejected = get();
    QCOMPARE(rejected.error.kind, ApiError::Kind::Api);
    QCOMPARE(rejected.error.httpStatus, 401L);
    QCOMPARE(runs(), 3);
    std::lock_guard lock(mutex);
    QCOMPARE(seen, (std::vector<std::string>{"Bearer token-2", "Bearer token-3"}));
}

void TestExecCredential::pluginFailureIsCredentialError()
{
    auto server = std::make_unique<httplib::Server>();
    int requests = 0;
    server->Get("/version", [&](const httplib::Request&, httplib::Response& response) {
        ++requests;
        response.set_content("{}", "application/json");
    });
    LocalServer running(std::move(server));

    setFile("mode", "fail");
    ClusterConnection connection;
    connection.server = "http://127.0.0.1:" + std::to_string(running.port());
    connection.credentials = std::make_shared<ExecCredentialPlugin>(config(), "eks-user");
    TaskQueue queue;
    KubeClient client(connection, queue.executor());
    std::optional<JsonResult> result;
    const kube::RequestId cancelled = client.get("/version", [](JsonResult) { qFatal("cancelled request delivered"); });
    client.cancel(cancelled);
    client.get("/version", [&](JsonResult r) { result = std::move(r); });
    QVERIFY(queue.runUntil([&] { return result.has_value(); }));

    QCOMPARE(result->error.kind, ApiError::Kind::Credential);
    QVERIFY2(contains(result->error.describe(), "cannot get credentials: the exec credential plugin"),
             result->error.describe().c_str());
    QVERIFY2(contains(result->error.describe(), "aws sso login"), result->error.describe().c_str());
    QCOMPARE(requests, 0);
}

QTEST_APPLESS_MAIN(TestExecCredential)
#include "tst_execcredential.moc"
