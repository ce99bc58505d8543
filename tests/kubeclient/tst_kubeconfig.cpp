// SPDX-License-Identifier: Apache-2.0
#include "TestSupport.h"

#include "kubeclient/Kubeconfig.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <cstdlib>

using kube::ClusterConnection;
using kube::Kubeconfig;
using kube::KubeconfigError;

namespace {

QString sharedKubeconfigs()
{
    return QStringLiteral(MESHDECK_SHARED_TESTDATA "/kubeconfigs");
}

// "name:namespace" per context, in file order, for compact comparisons.
QByteArray contextSummary(const Kubeconfig& config)
{
    QByteArrayList parts;
    for (const auto& context : config.contexts())
        parts << QByteArray::fromStdString(context.name + ":" + context.cluster + ":" + context.user + ":" +
                                           context.namespaceName);
    return parts.join(' ');
}

} // namespace

class TestKubeconfig : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void everySharedFileLoads();
    void sharedFiles_data();
    void sharedFiles();
    void execUsersAreNotSupportedYet_data();
    void execUsersAreNotSupportedYet();
    void sharedTokenAndCertificateUsers();

    void inlineToken();
    void tokenFileRelativeToKubeconfig();
    void tokenFileWinsOverToken();
    void certificateAuthorityData();
    void certificateAuthorityFile();
    void insecureAndTlsServerName();
    void clientCertificateFiles();
    void authProviderIsNotSupportedYet();
    void serverWithoutSchemeOrWithSlash();
    void loadErrors_data();
    void loadErrors();
    void connectionErrors_data();
    void connectionErrors();
    void emptyFile();
    void missingFile();
    void defaultPath();

private:
    // Writes `content` as a kubeconfig in a fresh folder and loads it.
    Kubeconfig loadText(const QByteArray& content);
    std::variant<Kubeconfig, KubeconfigError> loadVariant(const QByteArray& content);

    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_path;
};

std::variant<Kubeconfig, KubeconfigError> TestKubeconfig::loadVariant(const QByteArray& content)
{
    m_dir = std::make_unique<QTemporaryDir>();
    m_path = m_dir->filePath(QStringLiteral("config"));
    QFile file(m_path);
    if (!file.open(QIODevice::WriteOnly) || file.write(content) != content.size())
        qFatal("cannot write %s", qPrintable(m_path));
    file.close();
    return Kubeconfig::load(m_path.toStdString());
}

Kubeconfig TestKubeconfig::loadText(const QByteArray& content)
{
    auto loaded = loadVariant(content);
    if (auto* error = std::get_if<KubeconfigError>(&loaded))
        qFatal("unexpected load error: %s", error->message.c_str());
    return std::get<Kubeconfig>(std::move(loaded));
}

void TestKubeconfig::everySharedFileLoads()
{
    const QStringList files = QDir(sharedKubeconfigs()).entryList({QStringLiteral("*.yaml"), QStringLiteral("*.yml")}, QDir::Files);
    QVERIFY(files.size() >= 3);
    for (const QString& name : files) {
        const auto loaded = Kubeconfig::load(QDir(sharedKubeconfigs()).filePath(name).toStdString());
        const auto* error = std::get_if<KubeconfigError>(&loaded);
        QVERIFY2(!error, qPrintable(name + QStringLiteral(": ") + QString::fromStdString(error ? error->message : "")));
        QVERIFY2(!std::get<Kubeconfig>(loaded).contexts().empty(), qPrintable(name));
    }
}

void TestKubeconfig::sharedFiles_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QByteArray>("currentContext");
    QTest::addColumn<QByteArray>("contexts");

    QTest::newRow("cloud-exec-plugins") << QStringLiteral("cloud-exec-plugins.yaml") << QByteArray("aks-prod")
                                        << QByteArray("eks-staging:eks-staging:eks-user:shop "
                                                      "gke-dev:gke-dev:gke-user:default "
                                                      "aks-prod:aks-prod:aks-user:bookinfo");
    QTest::newRow("merge-first") << QStringLiteral("merge-first.yaml") << QByteArray("team-a")
                                 << QByteArray("team-a:shared:alice:default");
    QTest::newRow("merge-second") << QStringLiteral("merge-second.yaml") << QByteArray("team-b")
                                  << QByteArray("team-b:other:alice:payments");
}

void TestKubeconfig::sharedFiles()
{
    QFETCH(QString, file);
    QFETCH(QByteArray, currentContext);
    QFETCH(QByteArray, contexts);

    const auto loaded = Kubeconfig::load(QDir(sharedKubeconfigs()).filePath(file).toStdString());
    QVERIFY(std::holds_alternative<Kubeconfig>(loaded));
    const auto& config = std::get<Kubeconfig>(loaded);
    QCOMPARE(config.currentContext(), str(currentContext));
    QCOMPARE(contextSummary(config), contexts);
}

void TestKubeconfig::execUsersAreNotSupportedYet_data()
{
    QTest::addColumn<QByteArray>("context");
    QTest::addColumn<QByteArray>("user");
    QTest::addColumn<QByteArray>("command");

    QTest::newRow("eks v1beta1") << QByteArray("eks-staging") << QByteArray("eks-user") << QByteArray("aws");
    QTest::newRow("gke v1") << QByteArray("gke-dev") << QByteArray("gke-user") << QByteArray("gke-gcloud-auth-plugin");
    QTest::newRow("aks via current-context") << QByteArray() << QByteArray("aks-user") << QByteArray("kubelogin");
}

void TestKubeconfig::execUsersAreNotSupportedYet()
{
    QFETCH(QByteArray, context);
    QFETCH(QByteArray, user);
    QFETCH(QByteArray, command);

    const std::string path = QDir(sharedKubeconfigs()).filePath(QStringLiteral("cloud-exec-plugins.yaml")).toStdString();
    const auto loaded = Kubeconfig::load(path);
    QVERIFY(std::holds_alternative<Kubeconfig>(loaded));
    const auto connection = std::get<Kubeconfig>(loaded).connection(str(context));
    QVERIFY(std::holds_alternative<KubeconfigError>(connection));
    const auto& error = std::get<KubeconfigError>(connection);
    QCOMPARE(error.file, path);
    QVERIFY2(error.message.find("exec credential plugins are not supported yet") != std::string::npos,
             error.message.c_str());
    QVERIFY2(error.message.find("\"" + str(user) + "\"") != std::string::npos, error.message.c_str());
    QVERIFY2(error.message.find("\"" + str(command) + "\"") != std::string::npos, error.message.c_str());
}

void TestKubeconfig::sharedTokenAndCertificateUsers()
{
    const auto first = Kubeconfig::load(QDir(sharedKubeconfigs()).filePath(QStringLiteral("merge-first.yaml")).toStdString());
    const auto a = std::get<Kubeconfig>(first).connection();
    QVERIFY(std::holds_alternative<ClusterConnection>(a));
    const auto& teamA = std::get<ClusterConnection>(a);
    QCOMPARE(teamA.contextName, std::string("team-a"));
    QCOMPARE(teamA.server, std::string("https://first.example.com:6443"));
    QCOMPARE(teamA.namespaceName, std::string("default"));
    QCOMPARE(teamA.bearerToken, std::string("first-file-token"));
    QVERIFY(teamA.insecureSkipTlsVerify);
    QVERIFY(teamA.caPem.empty());

    const auto second = Kubeconfig::load(QDir(sharedKubeconfigs()).filePath(QStringLiteral("merge-second.yaml")).toStdString());
    const auto b = std::get<Kubeconfig>(second).connection("team-b");
    QVERIFY(std::holds_alternative<ClusterConnection>(b));
    const auto& teamB = std::get<ClusterConnection>(b);
    QCOMPARE(teamB.clusterName, std::string("other"));
    QCOMPARE(teamB.userName, std::string("alice"));
    QCOMPARE(teamB.server, std::string("https://other.example.com"));
    QCOMPARE(teamB.namespaceName, std::string("payments"));
    QCOMPARE(teamB.clientCertPem, std::string("PLACEHOLDER CERT\n"));
    QCOMPARE(teamB.clientKeyPem, std::string("PLACEHOLDER KEY\n"));
    QVERIFY(teamB.bearerToken.empty());
    QVERIFY(!teamB.insecureSkipTlsVerify);
}

static const QByteArray TokenConfig = R"(apiVersion: v1
kind: Config
current-context: dev
clusters:
- name: c
  cluster:
    server: https://127.0.0.1:6443
contexts:
- name: dev
  context:
    cluster: c
    user: u
    namespace: bookinfo
users:
- name: u
  user:
    token: abc.def
)";

void TestKubeconfig::inlineToken()
{
    const Kubeconfig config = loadText(TokenConfig);
    const auto connection = config.connection();
    QVERIFY(std::holds_alternative<ClusterConnection>(connection));
    const auto& c = std::get<ClusterConnection>(connection);
    QCOMPARE(c.bearerToken, std::string("abc.def"));
    QCOMPARE(c.namespaceName, std::string("bookinfo"));
    QCOMPARE(c.server, std::string("https://127.0.0.1:6443"));
    QVERIFY(c.caPem.empty());
    QVERIFY(!c.insecureSkipTlsVerify);
}

void TestKubeconfig::tokenFileRelativeToKubeconfig()
{
    QByteArray content = TokenConfig;
    content.replace("token: abc.def", "tokenFile: secrets/token");
    const Kubeconfig config = loadText(content);
    // The test's working directory is not the kubeconfig's folder, so only the right resolution finds it.
    QVERIFY(QDir(m_dir->path()).mkdir(QStringLiteral("secrets")));
    QFile token(m_dir->filePath(QStringLiteral("secrets/token")));
    QVERIFY(token.open(QIODevice::WriteOnly));
    token.write("file-token\n");
    token.close();

    const auto connection = config.connection("dev");
    QVERIFY(std::holds_alternative<ClusterConnection>(connection));
    QCOMPARE(std::get<ClusterConnection>(connection).bearerToken, std::string("file-token"));

    QVERIFY(token.remove());
    const auto missing = config.connection("dev");
    QVERIFY(std::holds_alternative<KubeconfigError>(missing));
    const std::string message = std::get<KubeconfigError>(missing).message;
    const std::string expectedPath = QDir(m_dir->path()).filePath(QStringLiteral("secrets/token")).toStdString();
    QVERIFY2(message.find("user \"u\"") != std::string::npos, message.c_str());
    QVERIFY2(message.find(expectedPath) != std::string::npos, message.c_str());
}

void TestKubeconfig::tokenFileWinsOverToken()
{
    QByteArray content = TokenConfig;
    content.replace("token: abc.def", "token: inline\n    tokenFile: token.txt");
    const Kubeconfig config = loadText(content);
    // Unreadable file: the inline token still works.
    QCOMPARE(std::get<ClusterConnection>(config.connection()).bearerToken, std::string("inline"));
    QFile token(m_dir->filePath(QStringLiteral("token.txt")));
    QVERIFY(token.open(QIODevice::WriteOnly));
    token.write("  rotated \n");
    token.close();
    QCOMPARE(std::get<ClusterConnection>(config.connection()).bearerToken, std::string("rotated"));
}

void TestKubeconfig::certificateAuthorityData()
{
    const QByteArray pem = "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUQ==\n-----END CERTIFICATE-----\n";
    QByteArray content = TokenConfig;
    // Wrapped over several lines, as some tools write it.
    const QByteArray encoded = pem.toBase64();
    const QByteArray cluster = "    server: https://127.0.0.1:6443\n    certificate-authority-data: " + encoded.left(20) +
                               "\n      " + encoded.mid(20) + "\n    certificate-authority: ignored-because-data-wins.crt\n";
    content.replace("    server: https://127.0.0.1:6443\n", cluster);
    const auto connection = loadText(content).connection();
    QVERIFY(std::holds_alternative<ClusterConnection>(connection));
    QCOMPARE(std::get<ClusterConnection>(connection).caPem, str(pem));
}

void TestKubeconfig::certificateAuthorityFile()
{
    QByteArray content = TokenConfig;
    content.replace("    server: https://127.0.0.1:6443\n",
                    "    server: https://127.0.0.1:6443\n    certificate-authority: pki/ca.crt\n");
    const Kubeconfig config = loadText(content);
    QVERIFY(QDir(m_dir->path()).mkdir(QStringLiteral("pki")));
    QFile ca(m_dir->filePath(QStringLiteral("pki/ca.crt")));
    QVERIFY(ca.open(QIODevice::WriteOnly));
    ca.write("CA FROM FILE\n");
    ca.close();
    const auto connection = config.connection();
    QVERIFY(std::holds_alternative<ClusterConnection>(connection));
    QCOMPARE(std::get<ClusterConnection>(connection).caPem, std::string("CA FROM FILE\n"));
}

void TestKubeconfig::insecureAndTlsServerName()
{
    QByteArray content = TokenConfig;
    content.replace("    server: https://127.0.0.1:6443\n",
                    "    server: https://203.0.113.10\n    insecure-skip-tls-verify: true\n"
                    "    tls-server-name: kubernetes.default.svc\n");
    const auto connection = loadText(content).connection();
    QVERIFY(std::holds_alternative<ClusterConnection>(connection));
    QVERIFY(std::get<ClusterConnection>(connection).insecureSkipTlsVerify);
    QCOMPARE(std::get<ClusterConnection>(connection).tlsServerName, std::string("kubernetes.default.svc"));
}

void TestKubeconfig::clientCertificateFiles()
{
    QByteArray content = TokenConfig;
    const QByteArray user = "client-certificate: client.crt\n    client-key: /nonexistent/client.key\n"
                            "    client-key-data: " + QByteArray("KEY DATA\n").toBase64();
    content.replace("token: abc.def", user);
    const Kubeconfig config = loadText(content);
    QFile cert(m_dir->filePath(QStringLiteral("client.crt")));
    QVERIFY(cert.open(QIODevice::WriteOnly));
    cert.write("CERT FILE\n");
    cert.close();
    const auto connection = config.connection();
    QVERIFY(std::holds_alternative<ClusterConnection>(connection));
    QCOMPARE(std::get<ClusterConnection>(connection).clientCertPem, std::string("CERT FILE\n"));
    // -data wins, so the missing key file is never read.
    QCOMPARE(std::get<ClusterConnection>(connection).clientKeyPem, std::string("KEY DATA\n"));
    QVERIFY(std::get<ClusterConnection>(connection).bearerToken.empty());

    QVERIFY(cert.remove());
    const auto missing = config.connection();
    QVERIFY(std::holds_alternative<KubeconfigError>(missing));
    QVERIFY(std::get<KubeconfigError>(missing).message.find("client-certificate") != std::string::npos);
}

void TestKubeconfig::authProviderIsNotSupportedYet()
{
    QByteArray content = TokenConfig;
    content.replace("token: abc.def", "auth-provider:\n      name: oidc\n      config:\n        client-id: x");
    const auto connection = loadText(content).connection();
    QVERIFY(std::holds_alternative<KubeconfigError>(connection));
    const std::string message = std::get<KubeconfigError>(connection).message;
    QVERIFY2(message.find("user \"u\"") != std::string::npos, message.c_str());
    QVERIFY2(message.find("auth-provider \"oidc\"") != std::string::npos, message.c_str());
    QVERIFY2(message.find("not supported yet") != std::string::npos, message.c_str());
}

void TestKubeconfig::serverWithoutSchemeOrWithSlash()
{
    QByteArray content = TokenConfig;
    content.replace("server: https://127.0.0.1:6443", "server: 10.0.0.1:6443/");
    QCOMPARE(std::get<ClusterConnection>(loadText(content).connection()).server, std::string("https://10.0.0.1:6443"));
}

void TestKubeconfig::loadErrors_data()
{
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<QByteArrayList>("expected"); // fragments the message must contain

    QTest::newRow("YAML syntax error") << QByteArray("apiVersion: v1\nclusters:\n- name: a\n  cluster: {server: x\n"
                                                     "contexts: []\n")
                                       << QByteArrayList{"YAML syntax error", "line "};
    QTest::newRow("bad indentation") << QByteArray("apiVersion: v1\nclusters:\n- name: a\n   bad: [\n")
                                     << QByteArrayList{"YAML syntax error", "line 4"};
    QTest::newRow("top level is a list") << QByteArray("- a\n- b\n") << QByteArrayList{"top level", "line 1"};
    QTest::newRow("clusters is a map") << QByteArray("clusters:\n  a: b\n") << QByteArrayList{"clusters must be a list", "line 2"};
    QTest::newRow("entry without name") << QByteArray("users:\n- user:\n    token: x\n")
                                        << QByteArrayList{"users[0] has no name", "line 2"};
    QTest::newRow("duplicate context") << QByteArray("contexts:\n- name: a\n  context: {}\n- name: a\n  context: {}\n")
                                       << QByteArrayList{"context \"a\" is defined twice", "line 4"};
    QTest::newRow("invalid base64") << QByteArray("clusters:\n- name: c\n  cluster:\n    server: https://x\n"
                                                  "    certificate-authority-data: not*base64\n")
                                    << QByteArrayList{"cluster \"c\"", "certificate-authority-data is not valid base64",
                                                      "line 5"};
    QTest::newRow("insecure not a bool") << QByteArray("clusters:\n- name: c\n  cluster:\n    insecure-skip-tls-verify: maybe\n")
                                         << QByteArrayList{"cluster \"c\"", "insecure-skip-tls-verify must be true or false",
                                                           "line 4"};
    QTest::newRow("server is a map") << QByteArray("clusters:\n- name: c\n  cluster:\n    server:\n      a: b\n")
                                     << QByteArrayList{"cluster \"c\"", "server must be a string", "line 5"};
}

void TestKubeconfig::loadErrors()
{
    QFETCH(QByteArray, content);
    QFETCH(QByteArrayList, expected);

    const auto loaded = loadVariant(content);
    QVERIFY(std::holds_alternative<KubeconfigError>(loaded));
    const auto& error = std::get<KubeconfigError>(loaded);
    QCOMPARE(error.file, m_path.toStdString());
    for (const QByteArray& fragment : expected)
        QVERIFY2(error.message.find(str(fragment)) != std::string::npos,
                 qPrintable(QStringLiteral("\"%1\" not in \"%2\"")
                                .arg(QString::fromUtf8(fragment), QString::fromStdString(error.message))));
}

void TestKubeconfig::connectionErrors_data()
{
    QTest::addColumn<QByteArray>("replace");
    QTest::addColumn<QByteArray>("with");
    QTest::addColumn<QByteArray>("context");
    QTest::addColumn<QByteArray>("expected");

    QTest::newRow("missing cluster") << QByteArray("cluster: c\n") << QByteArray("cluster: y\n") << QByteArray()
                                     << QByteArray("context \"dev\" refers to cluster \"y\" which is not defined");
    QTest::newRow("missing user") << QByteArray("user: u\n") << QByteArray("user: nobody\n") << QByteArray("dev")
                                  << QByteArray("context \"dev\" refers to user \"nobody\" which is not defined");
    QTest::newRow("unknown context") << QByteArray() << QByteArray() << QByteArray("prod")
                                     << QByteArray("context \"prod\" is not defined");
    QTest::newRow("dangling current-context") << QByteArray("current-context: dev") << QByteArray("current-context: gone")
                                              << QByteArray() << QByteArray("current-context \"gone\" is not defined");
    QTest::newRow("no server") << QByteArray("server: https://127.0.0.1:6443") << QByteArray("server: \"\"")
                               << QByteArray() << QByteArray("cluster \"c\" has no server");
    QTest::newRow("certificate without key") << QByteArray("token: abc.def")
                                             << QByteArray("client-certificate-data: " + QByteArray("C").toBase64())
                                             << QByteArray() << QByteArray("user \"u\": a client certificate is set but no client key");
}

void TestKubeconfig::connectionErrors()
{
    QFETCH(QByteArray, replace);
    QFETCH(QByteArray, with);
    QFETCH(QByteArray, context);
    QFETCH(QByteArray, expected);

    QByteArray content = TokenConfig;
    if (!replace.isEmpty()) {
        QVERIFY(content.contains(replace));
        content.replace(replace, with);
    }
    const Kubeconfig config = loadText(content);
    const auto connection = config.connection(str(context));
    QVERIFY(std::holds_alternative<KubeconfigError>(connection));
    QCOMPARE(std::get<KubeconfigError>(connection).message, str(expected));
    QCOMPARE(std::get<KubeconfigError>(connection).file, m_path.toStdString());
}

void TestKubeconfig::emptyFile()
{
    // kubectl treats an empty file as an empty config; using it is what fails.
    const Kubeconfig config = loadText(QByteArray());
    QVERIFY(config.contexts().empty());
    QVERIFY(config.currentContext().empty());
    const auto connection = config.connection();
    QVERIFY(std::holds_alternative<KubeconfigError>(connection));
    QCOMPARE(std::get<KubeconfigError>(connection).message,
             std::string("no context was chosen and current-context is not set"));

    QVERIFY(loadText("# only a comment\n").contexts().empty());
}

void TestKubeconfig::missingFile()
{
    const auto loaded = Kubeconfig::load("/nonexistent/kubeconfig");
    QVERIFY(std::holds_alternative<KubeconfigError>(loaded));
    QCOMPARE(std::get<KubeconfigError>(loaded).file, std::string("/nonexistent/kubeconfig"));
    QCOMPARE(std::get<KubeconfigError>(loaded).message, std::string("cannot read the file: No such file or directory"));
}

void TestKubeconfig::defaultPath()
{
    const QByteArray savedKubeconfig = qgetenv("KUBECONFIG");
    const bool hadKubeconfig = qEnvironmentVariableIsSet("KUBECONFIG");
    const QByteArray savedHome = qgetenv("HOME");

    qputenv("HOME", "/home/operator");
    qunsetenv("KUBECONFIG");
    QCOMPARE(Kubeconfig::defaultPath(), std::string("/home/operator/.kube/config"));
    qputenv("KUBECONFIG", "/a/first.yaml:/b/second.yaml");
    QCOMPARE(Kubeconfig::defaultPath(), std::string("/a/first.yaml"));
    qputenv("KUBECONFIG", "::/c/only.yaml");
    QCOMPARE(Kubeconfig::defaultPath(), std::string("/c/only.yaml"));
    qputenv("KUBECONFIG", "");
    QCOMPARE(Kubeconfig::defaultPath(), std::string("/home/operator/.kube/config"));

    qputenv("HOME", savedHome);
    if (hadKubeconfig)
        qputenv("KUBECONFIG", savedKubeconfig);
    else
        qunsetenv("KUBECONFIG");
}

QTEST_APPLESS_MAIN(TestKubeconfig)
#include "tst_kubeconfig.moc"
