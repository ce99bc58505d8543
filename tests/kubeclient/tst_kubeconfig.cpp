// SPDX-License-Identifier: Apache-2.0
#include "TestSupport.h"

#include "kubeclient/Kubeconfig.h"

#include <QDir>
#include <QFileInfo>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <cstdlib>
#include <functional>

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
    void sharedExecUsers_data();
    void sharedExecUsers();
    void execCommandPath();
    void execProblems_data();
    void execProblems();
    void execClusterInfo();
    void sharedTokenAndCertificateUsers();

    void inlineToken();
    void tokenFileRelativeToKubeconfig();
    void tokenFileWinsOverToken();
    void certificateAuthorityData();
    void certificateAuthorityFile();
    void insecureAndTlsServerName();
    void clientCertificateFiles();
    void authProviders_data();
    void authProviders();
    void serverWithoutSchemeOrWithSlash();
    void loadErrors_data();
    void loadErrors();
    void connectionErrors_data();
    void connectionErrors();
    void emptyFile();
    void missingFile();
    void defaultPath();

    void mergeSharedFiles();
    void mergeSharedFilesReversed();
    void mergeCurrentContextFromFirstFileSettingIt();
    void mergeRelativePathsPerFile();
    void mergeDeduplicatesAndSkipsMissing();
    void mergeErrorsNameTheFile();
    void defaultFiles();
    void loadDefault();

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

namespace {

std::string sharedFile(const char* name)
{
    return QDir(sharedKubeconfigs()).filePath(QString::fromLatin1(name)).toStdString();
}

void writeFile(const QString& path, const QByteArray& content)
{
    QDir().mkpath(QFileInfo(path).path());
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(content) != content.size())
        qFatal("cannot write %s", qPrintable(path));
}

template <typename T>
T expect(std::variant<T, KubeconfigError> value)
{
    if (const auto* error = std::get_if<KubeconfigError>(&value))
        qFatal("unexpected error: %s: %s", error->file.c_str(), error->message.c_str());
    return std::get<T>(std::move(value));
}

// Restores the environment variables a test changes, whatever way it leaves.
class EnvGuard {
public:
    explicit EnvGuard(std::initializer_list<const char*> names)
    {
        for (const char* name : names)
            m_saved.push_back({name, qEnvironmentVariableIsSet(name), qgetenv(name)});
    }
    ~EnvGuard()
    {
        for (const auto& saved : m_saved) {
            if (saved.set)
                qputenv(saved.name, saved.value);
            else
                qunsetenv(saved.name);
        }
    }

private:
    struct Saved {
        const char* name;
        bool set;
        QByteArray value;
    };
    std::vector<Saved> m_saved;
};

} // namespace

void TestKubeconfig::sharedExecUsers_data()
{
    QTest::addColumn<QByteArray>("context");
    QTest::addColumn<QByteArray>("user");
    QTest::addColumn<QByteArray>("apiVersion");
    QTest::addColumn<QByteArray>("command");
    QTest::addColumn<QByteArrayList>("args");
    QTest::addColumn<QByteArrayList>("env");
    QTest::addColumn<bool>("provideClusterInfo");
    QTest::addColumn<QByteArray>("installHint");

    QTest::newRow("eks v1beta1") << QByteArray("eks-staging") << QByteArray("eks-user")
                                 << QByteArray("client.authentication.k8s.io/v1beta1") << QByteArray("aws")
                                 << QByteArrayList{"--region", "eu-west-1", "eks", "get-token", "--cluster-name", "staging",
                                                   "--output", "json"}
                                 << QByteArrayList{"AWS_PROFILE=staging"} << false << QByteArray();
    QTest::newRow("gke v1") << QByteArray("gke-dev") << QByteArray("gke-user")
                            << QByteArray("client.authentication.k8s.io/v1") << QByteArray("gke-gcloud-auth-plugin")
                            << QByteArrayList{} << QByteArrayList{} << true
                            << QByteArray("Install gke-gcloud-auth-plugin for use with kubectl by following the "
                                          "provider's documentation");
    QTest::newRow("aks via current-context, env: null")
        << QByteArray() << QByteArray("aks-user") << QByteArray("client.authentication.k8s.io/v1beta1")
        << QByteArray("kubelogin")
        << QByteArrayList{"get-token", "--login", "azurecli", "--server-id", "6dae42f8-4368-4678-94ff-3960e28e3630"}
        << QByteArrayList{} << false << QByteArray();
}

void TestKubeconfig::sharedExecUsers()
{
    QFETCH(QByteArray, context);
    QFETCH(QByteArray, user);
    QFETCH(QByteArray, apiVersion);
    QFETCH(QByteArray, command);
    QFETCH(QByteArrayList, args);
    QFETCH(QByteArrayList, env);
    QFETCH(bool, provideClusterInfo);
    QFETCH(QByteArray, installHint);

    const Kubeconfig config = expect(Kubeconfig::load(sharedFile("cloud-exec-plugins.yaml")));
    const auto exec = config.execConfig(str(user));
    QVERIFY(exec);
    QCOMPARE(exec->apiVersion, str(apiVersion));
    QCOMPARE(exec->command, str(command)); // a bare name stays a PATH lookup
    QCOMPARE(int(exec->args.size()), int(args.size()));
    for (int i = 0; i < args.size(); ++i)
        QCOMPARE(exec->args[std::size_t(i)], str(args[i]));
    QCOMPARE(int(exec->env.size()), int(env.size()));
    for (int i = 0; i < env.size(); ++i)
        QCOMPARE(exec->env[std::size_t(i)].first + "=" + exec->env[std::size_t(i)].second, str(env[i]));
    QCOMPARE(exec->provideClusterInfo, provideClusterInfo);
    QCOMPARE(exec->installHint, str(installHint));
    QCOMPARE(exec->interactiveMode, kube::ExecConfig::InteractiveMode::IfAvailable);

    // Resolving the context runs nothing: the plugin runs when a request needs a credential.
    const ClusterConnection connection = expect(config.connection(str(context)));
    QCOMPARE(connection.userName, str(user));
    QVERIFY(connection.credentials);
    QVERIFY(connection.bearerToken.empty());
    QVERIFY(connection.clientCertPem.empty());
}

void TestKubeconfig::execCommandPath()
{
    QByteArray content = TokenConfig;
    content.replace("token: abc.def", "exec:\n      apiVersion: client.authentication.k8s.io/v1beta1\n"
                                      "      command: ./bin/get-token\n");
    const Kubeconfig config = loadText(content);
    // A command with a slash is a path relative to the kubeconfig, as in client-go.
    QCOMPARE(config.execConfig("u")->command, QDir(m_dir->path()).filePath(QStringLiteral("bin/get-token")).toStdString());
    QVERIFY(!config.execConfig("nobody"));
}

void TestKubeconfig::execProblems_data()
{
    QTest::addColumn<QByteArray>("exec");
    QTest::addColumn<QByteArray>("expected");

    QTest::newRow("v1 needs interactiveMode")
        << QByteArray("apiVersion: client.authentication.k8s.io/v1\n      command: x")
        << QByteArray("user \"u\": exec: interactiveMode must be set for client.authentication.k8s.io/v1 "
                      "(Never, IfAvailable or Always)");
    QTest::newRow("unknown interactiveMode")
        << QByteArray("apiVersion: client.authentication.k8s.io/v1\n      command: x\n      interactiveMode: Sometimes")
        << QByteArray("user \"u\": exec: interactiveMode \"Sometimes\" is not one of Never, IfAvailable, Always");
    QTest::newRow("Always needs a terminal")
        << QByteArray("apiVersion: client.authentication.k8s.io/v1\n      command: login\n      interactiveMode: Always")
        << QByteArray("user \"u\": exec: the credential plugin \"login\" needs an interactive terminal "
                      "(interactiveMode: Always), which MeshDeck does not have; log in with it from a terminal "
                      "first, or use a plugin mode that works without one");
    QTest::newRow("v1alpha1 is gone")
        << QByteArray("apiVersion: client.authentication.k8s.io/v1alpha1\n      command: x")
        << QByteArray("user \"u\": exec: apiVersion \"client.authentication.k8s.io/v1alpha1\" is not supported "
                      "(client.authentication.k8s.io/v1 or client.authentication.k8s.io/v1beta1)");
    QTest::newRow("no command") << QByteArray("apiVersion: client.authentication.k8s.io/v1beta1")
                                << QByteArray("user \"u\": exec: command is missing");
}

void TestKubeconfig::execProblems()
{
    QFETCH(QByteArray, exec);
    QFETCH(QByteArray, expected);

    QByteArray content = TokenConfig;
    content.replace("token: abc.def", QByteArray("exec:\n      " + exec + "\n"));
    // The file loads: only using this user fails, as with kubectl.
    const Kubeconfig config = loadText(content);
    const auto connection = config.connection();
    QVERIFY(std::holds_alternative<KubeconfigError>(connection));
    QCOMPARE(std::get<KubeconfigError>(connection).message, str(expected));
    QCOMPARE(std::get<KubeconfigError>(connection).file, m_path.toStdString());
}

void TestKubeconfig::execClusterInfo()
{
    QByteArray content = TokenConfig;
    content.replace("    server: https://127.0.0.1:6443\n",
                    QByteArray("    server: https://127.0.0.1:6443\n    tls-server-name: kubernetes.default.svc\n"
                               "    proxy-url: socks5://localhost:1080\n    certificate-authority-data: " +
                               QByteArray("CA PEM\n").toBase64() + "\n"));
    content.replace("token: abc.def", "exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: x\n"
                                      "      interactiveMode: Never\n      provideClusterInfo: true\n");
    const ClusterConnection connection = expect(loadText(content).connection());
    QCOMPARE(connection.proxyUrl, std::string("socks5://localhost:1080"));
    QVERIFY(connection.credentials);
}

void TestKubeconfig::authProviders_data()
{
    QTest::addColumn<QByteArray>("provider");
    QTest::addColumn<QByteArray>("token");    // expected bearer token, or empty when an error is expected
    QTest::addColumn<QByteArray>("expected"); // error message

    QTest::newRow("oidc with a stored id-token")
        << QByteArray("name: oidc\n      config:\n        client-id: x\n        id-token: eyJ.id.token\n"
                      "        refresh-token: r")
        << QByteArray("eyJ.id.token") << QByteArray();
    QTest::newRow("oidc without id-token") << QByteArray("name: oidc\n      config:\n        client-id: x")
                                           << QByteArray()
                                           << QByteArray("user \"u\": auth-provider \"oidc\" has no id-token stored; log "
                                                         "in with your OIDC tool first");
    QTest::newRow("gcp was removed") << QByteArray("name: gcp") << QByteArray()
                                     << QByteArray("user \"u\": auth-provider \"gcp\" was removed from kubectl (1.26); "
                                                   "use the exec credential plugin your provider documents");
}

void TestKubeconfig::authProviders()
{
    QFETCH(QByteArray, provider);
    QFETCH(QByteArray, token);
    QFETCH(QByteArray, expected);

    QByteArray content = TokenConfig;
    content.replace("token: abc.def", QByteArray("auth-provider:\n      " + provider + "\n"));
    const auto connection = loadText(content).connection();
    if (expected.isEmpty()) {
        QCOMPARE(expect(connection).bearerToken, str(token));
        QVERIFY(!expect(connection).credentials);
    } else {
        QVERIFY(std::holds_alternative<KubeconfigError>(connection));
        QCOMPARE(std::get<KubeconfigError>(connection).message, str(expected));
    }
}

void TestKubeconfig::mergeSharedFiles()
{
    const auto merged = Kubeconfig::loadMerged({sharedFile("merge-first.yaml"), sharedFile("merge-second.yaml")});
    const Kubeconfig config = expect(merged);
    QCOMPARE(config.currentContext(), std::string("team-a"));
    QCOMPARE(contextSummary(config), QByteArray("team-a:shared:alice:default team-b:other:alice:payments"));
    QCOMPARE(config.files(), (std::vector<std::string>{sharedFile("merge-first.yaml"), sharedFile("merge-second.yaml")}));

    // "shared" is the first file's, whole: insecure, and no CA from the second file's "shared".
    const ClusterConnection teamA = expect(config.connection());
    QCOMPARE(teamA.server, std::string("https://first.example.com:6443"));
    QVERIFY(teamA.insecureSkipTlsVerify);
    QVERIFY(teamA.caPem.empty());
    QCOMPARE(teamA.bearerToken, std::string("first-file-token"));
    QCOMPARE(teamA.namespaceName, std::string("default"));

    // team-b comes from the second file, but its user "alice" is the first file's: a token, and
    // none of the second file's client certificate.
    const ClusterConnection teamB = expect(config.connection("team-b"));
    QCOMPARE(teamB.server, std::string("https://other.example.com"));
    QCOMPARE(teamB.namespaceName, std::string("payments"));
    QCOMPARE(teamB.bearerToken, std::string("first-file-token"));
    QVERIFY(teamB.clientCertPem.empty());
    QVERIFY(teamB.clientKeyPem.empty());
}

void TestKubeconfig::mergeSharedFilesReversed()
{
    const Kubeconfig config = expect(Kubeconfig::loadMerged({sharedFile("merge-second.yaml"), sharedFile("merge-first.yaml")}));
    QCOMPARE(config.currentContext(), std::string("team-b"));
    QCOMPARE(contextSummary(config), QByteArray("team-b:other:alice:payments team-a:shared:alice:default"));
    const ClusterConnection teamA = expect(config.connection("team-a"));
    QCOMPARE(teamA.server, std::string("https://second.example.com:6443"));
    QVERIFY(!teamA.insecureSkipTlsVerify);
    QCOMPARE(teamA.caPem, std::string("PLACEHOLDER CA DATA\n"));
    QCOMPARE(teamA.clientCertPem, std::string("PLACEHOLDER CERT\n"));
    QVERIFY(teamA.bearerToken.empty());
}

void TestKubeconfig::mergeCurrentContextFromFirstFileSettingIt()
{
    QTemporaryDir dir;
    const QString first = dir.filePath(QStringLiteral("first"));
    const QString second = dir.filePath(QStringLiteral("second"));
    const QString third = dir.filePath(QStringLiteral("third"));
    writeFile(first, "clusters:\n- name: c\n  cluster:\n    server: https://one\n");
    QByteArray secondContent = TokenConfig;
    secondContent.replace("current-context: dev", "current-context: \"\"");
    writeFile(second, secondContent);
    QByteArray thirdContent = TokenConfig;
    thirdContent.replace("name: dev", "name: prod").replace("current-context: dev", "current-context: prod");
    writeFile(third, thirdContent);

    const Kubeconfig& config =
        expect(Kubeconfig::loadMerged({first.toStdString(), second.toStdString(), third.toStdString()}));
    QCOMPARE(config.currentContext(), std::string("prod"));
    const ClusterConnection prod = expect(config.connection());
    // The cluster "c" of the first file wins over the second's and third's.
    QCOMPARE(prod.server, std::string("https://one"));
    QCOMPARE(prod.bearerToken, std::string("abc.def"));
}

void TestKubeconfig::mergeRelativePathsPerFile()
{
    QTemporaryDir dir;
    const QString a = dir.filePath(QStringLiteral("a/config"));
    const QString b = dir.filePath(QStringLiteral("b/config"));
    QByteArray aContent = TokenConfig;
    aContent.replace("token: abc.def", "tokenFile: token");
    writeFile(a, aContent);
    QByteArray bContent = TokenConfig;
    bContent.replace("name: dev", "name: other").replace("name: u", "name: v").replace("user: u", "user: v");
    bContent.replace("token: abc.def", "tokenFile: token");
    writeFile(b, bContent);
    writeFile(dir.filePath(QStringLiteral("a/token")), "token-a\n");
    writeFile(dir.filePath(QStringLiteral("b/token")), "token-b\n");

    const Kubeconfig config = expect(Kubeconfig::loadMerged({a.toStdString(), b.toStdString()}));
    QCOMPARE(expect(config.connection("dev")).bearerToken, std::string("token-a"));
    QCOMPARE(expect(config.connection("other")).bearerToken, std::string("token-b"));
}

void TestKubeconfig::mergeDeduplicatesAndSkipsMissing()
{
    const std::string first = sharedFile("merge-first.yaml");
    const std::string second = sharedFile("merge-second.yaml");
    const Kubeconfig config = expect(Kubeconfig::loadMerged({first, "", "/nonexistent/config", first, second, second}));
    QCOMPARE(config.files(), (std::vector<std::string>{first, second}));
    QCOMPARE(int(config.contexts().size()), 2);

    const auto none = Kubeconfig::loadMerged({"/nonexistent/a", "/nonexistent/b"});
    QVERIFY(std::holds_alternative<KubeconfigError>(none));
    QCOMPARE(std::get<KubeconfigError>(none).message,
             std::string("none of the kubeconfig files exists: \"/nonexistent/a\", \"/nonexistent/b\""));
    const auto one = Kubeconfig::loadMerged({"/nonexistent/a"});
    QCOMPARE(std::get<KubeconfigError>(one).message, std::string("cannot read the file: No such file or directory"));
    QCOMPARE(std::get<KubeconfigError>(Kubeconfig::loadMerged({})).message, std::string("no kubeconfig file was given"));
}

void TestKubeconfig::mergeErrorsNameTheFile()
{
    QTemporaryDir dir;
    const QString good = dir.filePath(QStringLiteral("good"));
    const QString dangling = dir.filePath(QStringLiteral("dangling"));
    const QString broken = dir.filePath(QStringLiteral("broken"));
    writeFile(good, TokenConfig);
    writeFile(dangling, "contexts:\n- name: lost\n  context:\n    cluster: nowhere\n    user: u\n");
    writeFile(broken, "clusters: [\n");

    // A malformed file anywhere in the list fails the load, naming that file.
    const auto failed = Kubeconfig::loadMerged({good.toStdString(), broken.toStdString()});
    QVERIFY(std::holds_alternative<KubeconfigError>(failed));
    QCOMPARE(std::get<KubeconfigError>(failed).file, broken.toStdString());

    // Errors about an entry name the file that defined it.
    const Kubeconfig config = expect(Kubeconfig::loadMerged({good.toStdString(), dangling.toStdString()}));
    const auto lost = config.connection("lost");
    QVERIFY(std::holds_alternative<KubeconfigError>(lost));
    QCOMPARE(std::get<KubeconfigError>(lost).file, dangling.toStdString());
    QCOMPARE(std::get<KubeconfigError>(lost).message,
             std::string("context \"lost\" refers to cluster \"nowhere\" which is not defined"));
}

void TestKubeconfig::defaultFiles()
{
    EnvGuard env{"KUBECONFIG", "HOME"};
    qputenv("HOME", "/home/operator");
    qunsetenv("KUBECONFIG");
    QCOMPARE(Kubeconfig::defaultFiles(), std::vector<std::string>{"/home/operator/.kube/config"});
    qputenv("KUBECONFIG", ":/a/first.yaml::/b/second.yaml:/a/first.yaml:");
    QCOMPARE(Kubeconfig::defaultFiles(), (std::vector<std::string>{"/a/first.yaml", "/b/second.yaml"}));
    qputenv("KUBECONFIG", ":");
    QCOMPARE(Kubeconfig::defaultFiles(), std::vector<std::string>{"/home/operator/.kube/config"});
}

void TestKubeconfig::loadDefault()
{
    EnvGuard env{"KUBECONFIG", "HOME"};
    const std::string first = sharedFile("merge-first.yaml");
    const std::string second = sharedFile("merge-second.yaml");

    qputenv("KUBECONFIG", QByteArray::fromStdString(second + ":/nonexistent/config:" + first));
    QCOMPARE(expect(Kubeconfig::loadDefault()).currentContext(), std::string("team-b"));
    QCOMPARE(contextSummary(expect(Kubeconfig::loadDefault())),
             QByteArray("team-b:other:alice:payments team-a:shared:alice:default"));

    // --kubeconfig is loaded alone, whatever $KUBECONFIG says...
    const Kubeconfig explicitOnly = expect(Kubeconfig::loadDefault(first));
    QCOMPARE(explicitOnly.files(), std::vector<std::string>{first});
    QCOMPARE(contextSummary(explicitOnly), QByteArray("team-a:shared:alice:default"));
    // ...and must exist.
    const auto missing = Kubeconfig::loadDefault("/nonexistent/explicit");
    QVERIFY(std::holds_alternative<KubeconfigError>(missing));
    QCOMPARE(std::get<KubeconfigError>(missing).file, std::string("/nonexistent/explicit"));

    QTemporaryDir home;
    writeFile(home.filePath(QStringLiteral(".kube/config")), TokenConfig);
    qputenv("HOME", QFile::encodeName(home.path()));
    qunsetenv("KUBECONFIG");
    QCOMPARE(expect(Kubeconfig::loadDefault()).currentContext(), std::string("dev"));
}

QTEST_APPLESS_MAIN(TestKubeconfig)
#include "tst_kubeconfig.moc"
