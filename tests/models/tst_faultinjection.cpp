// SPDX-License-Identifier: Apache-2.0
// Writing a fault experiment into a VirtualService and taking it out again: the annotation that
// records it survives a round trip, nothing but the fault and the annotation changes (unknown
// fields, other routes and other experiments stay as they were), and the revert restores the
// object exactly, on Istio's own sample manifests.
#include "kubeclient/YamlJsonConverter.h"
#include "models/faults/ExperimentAnnotation.h"
#include "models/faults/FaultInjection.h"

#include <QDir>
#include <QTest>
#include <nlohmann/json.hpp>

using nlohmann::json;

Q_DECLARE_METATYPE(json)

class TestFaultInjection : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void annotationRoundTrip_data();
    void annotationRoundTrip();
    void foreignAnnotationsAreNotExperiments();
    void samplesChangeOnlyFaultAndAnnotation_data();
    void samplesChangeOnlyFaultAndAnnotation();
    void headerScopeInsertsAMatchingRouteFirst();
    void routeScopeTouchesOnlyThatRoute();
    void routeNamesAreTheNamedHttpRoutes();
    void refusesARouteThatAlreadyHasAFault();
    void otherExperimentsAreUntouched();
    void editedRoutesKeepTheEditAndLoseTheFault();
};

namespace {

// JSON compared as text: QTest prints both sides when they differ.
QString text(const json& value) {
    return QString::fromStdString(value.dump());
}

QDateTime at(const char* text) {
    return QDateTime::fromString(QString::fromLatin1(text), Qt::ISODateWithMs);
}

Experiment experiment(const QString& id, FaultSpec fault) {
    Experiment e;
    e.id = id;
    e.namespaceName = QStringLiteral("bookinfo");
    e.virtualService = QStringLiteral("ratings");
    e.service = QStringLiteral("ratings");
    e.owner = QStringLiteral("system:admin");
    e.startedAt = at("2026-11-26T10:00:00.123Z");
    e.expiresAt = at("2026-11-26T10:05:00.123Z");
    e.fault = fault;
    return e;
}

FaultSpec delay(int ms, double percentage) {
    FaultSpec fault;
    fault.delayMs = ms;
    fault.percentage = percentage;
    return fault;
}

FaultSpec headerAbort(const QString& name, const QString& value) {
    FaultSpec fault;
    fault.kind = FaultSpec::Kind::Abort;
    fault.httpStatus = 503;
    fault.percentage = 100;
    fault.scope = FaultSpec::Scope::Header;
    fault.headerName = name;
    fault.headerValue = value;
    return fault;
}

json sample(const QString& file, const std::string& name) {
    const QDir samples(QStringLiteral(MESHDECK_SHARED_TESTDATA "/istio-samples"));
    for (json document : kube::YamlJsonConverter::loadAll(samples.filePath(file).toStdString())) {
        if (document.value("kind", "") == "VirtualService" && document["metadata"]["name"] == name) {
            document["metadata"]["namespace"] = "bookinfo";
            return document;
        }
    }
    return {};
}

// A VirtualService with fields MeshDeck knows nothing about, a named route and a default route.
json handWritten() {
    return json::parse(R"({"apiVersion":"networking.istio.io/v1","kind":"VirtualService",
        "metadata":{"name":"ratings","namespace":"bookinfo","resourceVersion":"42","labels":{"team":"books"},
                    "annotations":{"kubectl.kubernetes.io/last-applied-configuration":"{}"}},
        "spec":{"hosts":["ratings"],"x-vendor":{"keep":true},
                "http":[{"name":"canary","match":[{"headers":{"cookie":{"regex":".*canary=1.*"}}}],
                         "route":[{"destination":{"host":"ratings","subset":"v2"}}],"timeout":"3s"},
                        {"name":"default","route":[{"destination":{"host":"ratings","subset":"v1"},"weight":100}],
                         "retries":{"attempts":3}}]}})");
}

} // namespace

void TestFaultInjection::annotationRoundTrip_data() {
    QTest::addColumn<Experiment>("experiment");
    QTest::newRow("delay on all traffic") << experiment(QStringLiteral("fx-00000001"), delay(2000, 50));
    QTest::newRow("header abort") << experiment(
        QStringLiteral("fx-00000002"), headerAbort(QStringLiteral("end-user"), QStringLiteral("jason")));
    FaultSpec grpc;
    grpc.kind = FaultSpec::Kind::Abort;
    grpc.grpcStatus = QStringLiteral("UNAVAILABLE");
    grpc.percentage = 0.0001;
    grpc.scope = FaultSpec::Scope::Route;
    grpc.routeName = QStringLiteral("canary");
    Experiment guarded = experiment(QStringLiteral("fx-00000003"), grpc);
    guarded.guards = {{GuardCondition::Metric::SuccessRateBelow, QStringLiteral("productpage"), 95},
                      {GuardCondition::Metric::P99AboveMs, QStringLiteral("reviews"), 2000}};
    QTest::newRow("gRPC abort on a route, with guards") << guarded;
}

void TestFaultInjection::annotationRoundTrip() {
    QFETCH(Experiment, experiment);
    const ExperimentAnnotation::Record record{experiment, R"([{"route":[]}])",
                                              R"([{"fault":{},"route":[]}])"};
    const auto decoded = ExperimentAnnotation::decode(ExperimentAnnotation::encode(record),
                                                      experiment.namespaceName, experiment.virtualService);
    QVERIFY(decoded);
    QCOMPARE(decoded->experiment, experiment);
    QCOMPARE(decoded->httpBefore, record.httpBefore);
    QCOMPARE(decoded->httpAfter, record.httpAfter);

    // Written onto an object, the registry's reading finds the same experiment.
    json object = handWritten();
    QCOMPARE(FaultInjection::inject(object, experiment), QString());
    const QList<ExperimentAnnotation::Record> all = ExperimentAnnotation::readAll(object);
    QCOMPARE(all.size(), 1);
    QCOMPARE(all.first().experiment, experiment);
    QVERIFY(object["metadata"]["annotations"].contains(ExperimentAnnotation::key(experiment.id)));
}

void TestFaultInjection::foreignAnnotationsAreNotExperiments() {
    json object = handWritten();
    object["metadata"]["annotations"]["meshdeck.io/experiment-fx-broken"] = "{not json";
    object["metadata"]["annotations"]["meshdeck.io/experiment-fx-noexpiry"] =
        R"({"id":"fx-noexpiry","fault":{"kind":"delay"},"httpBefore":[],"httpAfter":[]})";
    object["metadata"]["annotations"]["meshdeck.io/description"] = "not an experiment";
    QVERIFY(ExperimentAnnotation::readAll(object).isEmpty());
}

void TestFaultInjection::samplesChangeOnlyFaultAndAnnotation_data() {
    QTest::addColumn<json>("virtualService");
    QTest::addColumn<FaultSpec>("fault");
    const QDir samples(QStringLiteral(MESHDECK_SHARED_TESTDATA "/istio-samples"));
    for (const QString& name : samples.entryList({QStringLiteral("*.yaml")})) {
        for (json document : kube::YamlJsonConverter::loadAll(samples.filePath(name).toStdString())) {
            if (document.value("kind", "") != "VirtualService")
                continue;
            document["metadata"]["namespace"] = "bookinfo";
            const QString row =
                name + u':' + QString::fromStdString(document["metadata"]["name"].get<std::string>());
            const bool faulted = document.dump().find("\"fault\"") != std::string::npos;
            if (!faulted)
                QTest::newRow(qPrintable(row + QStringLiteral(" all traffic")))
                    << document << delay(2000, 50);
            QTest::newRow(qPrintable(row + QStringLiteral(" header")))
                << document << headerAbort(QStringLiteral("end-user"), QStringLiteral("tester"));
        }
    }
}

void TestFaultInjection::samplesChangeOnlyFaultAndAnnotation() {
    QFETCH(json, virtualService);
    QFETCH(FaultSpec, fault);
    const Experiment e = experiment(QStringLiteral("fx-0000abcd"), fault);
    json object = virtualService;
    QCOMPARE(FaultInjection::inject(object, e), QString());

    const bool header = fault.scope == FaultSpec::Scope::Header;
    for (const json& operation : json::diff(virtualService, object)) {
        const std::string path = operation["path"].get<std::string>();
        const bool annotation = path.starts_with("/metadata/annotations");
        const bool faultField = !header && path.starts_with("/spec/http/") && path.ends_with("/fault") &&
                                operation["op"] == "add";
        // json::diff shows an insertion at the front as changes down the list plus one add at the end.
        const bool routes = header && path.starts_with("/spec/http/");
        QVERIFY2(annotation || faultField || routes, operation.dump().c_str());
    }
    const json& http = object["spec"]["http"];
    if (header) {
        QCOMPARE(http.size(), virtualService["spec"]["http"].size() + 1);
        json rest = http;
        rest.erase(rest.begin());
        QCOMPARE(text(rest), text(virtualService["spec"]["http"])); // every other route as it was, in order
    }
    // The fault fires: its percentage is always written.
    for (const json& route : http) {
        if (route.contains("fault"))
            QVERIFY2(route["fault"].dump().find("\"percentage\":{\"value\":") != std::string::npos,
                     route.dump().c_str());
    }

    const FaultInjection::Reversion reversion = FaultInjection::revert(object, e.id);
    QVERIFY(reversion.found);
    QVERIFY(reversion.exact);
    QVERIFY(reversion.note.isEmpty());
    QCOMPARE(text(object), text(virtualService));
}

void TestFaultInjection::headerScopeInsertsAMatchingRouteFirst() {
    // Istio's own test-delay sample already delays jason; a tester breaks only their own requests.
    const json original = sample(QStringLiteral("virtual-service-ratings-test-delay.yaml"), "ratings");
    QVERIFY(!original.is_null());
    json object = original;
    const Experiment e = experiment(QStringLiteral("fx-00c0ffee"),
                                    headerAbort(QStringLiteral("end-user"), QStringLiteral("tester")));
    QCOMPARE(FaultInjection::inject(object, e), QString());
    const json& first = object["spec"]["http"][0];
    QCOMPARE(text(first["name"]), text("meshdeck-fault-fx-00c0ffee"));
    QCOMPARE(text(first["match"]), text(json::parse(R"([{"headers":{"end-user":{"exact":"tester"}}}])")));
    QCOMPARE(text(first["fault"]),
             text(json::parse(R"({"abort":{"httpStatus":503,"percentage":{"value":100.0}}})")));
    // The default route's destinations (the last route, without a match), not jason's.
    QCOMPARE(text(first["route"]), text(original["spec"]["http"][1]["route"]));
    QCOMPARE(text(object["spec"]["http"][1]), text(original["spec"]["http"][0]));
    QVERIFY(FaultInjection::revert(object, e.id).exact);
    QCOMPARE(text(object), text(original));
}

void TestFaultInjection::routeScopeTouchesOnlyThatRoute() {
    const json original = handWritten();
    json object = original;
    FaultSpec fault = delay(250, 100);
    fault.scope = FaultSpec::Scope::Route;
    fault.routeName = QStringLiteral("default");
    QCOMPARE(FaultInjection::inject(object, experiment(QStringLiteral("fx-1"), fault)), QString());
    QCOMPARE(text(object["spec"]["http"][1]["fault"]),
             text(json::parse(R"({"delay":{"fixedDelay":"0.250s","percentage":{"value":100.0}}})")));
    QCOMPARE(text(object["spec"]["http"][0]), text(original["spec"]["http"][0]));
    QCOMPARE(text(object["spec"]["x-vendor"]), text(original["spec"]["x-vendor"]));
    QCOMPARE(text(object["metadata"]["labels"]), text(original["metadata"]["labels"]));

    fault.routeName = QStringLiteral("missing");
    json untouched = original;
    QVERIFY(FaultInjection::inject(untouched, experiment(QStringLiteral("fx-2"), fault))
                .contains(QStringLiteral("no http route named missing")));
    QCOMPARE(text(untouched), text(original));
}

void TestFaultInjection::routeNamesAreTheNamedHttpRoutes() {
    QCOMPARE(FaultInjection::routeNames(handWritten()), (QStringList{QStringLiteral("canary"), QStringLiteral("default")}));
    // Istio's sample names none of its routes: nothing a Route-scoped fault could name.
    QCOMPARE(FaultInjection::routeNames(sample(QStringLiteral("virtual-service-ratings-test-delay.yaml"), "ratings")),
             QStringList{});
    QCOMPARE(FaultInjection::routeNames(json::parse(R"({"spec":{"http":"not a list"}})")), QStringList{});
    QCOMPARE(FaultInjection::routeNames(json::parse(R"({"spec":{"http":[{"name":7},{"name":"b"}]}})")),
             QStringList{QStringLiteral("b")});
}

void TestFaultInjection::refusesARouteThatAlreadyHasAFault() {
    const json original = sample(QStringLiteral("virtual-service-ratings-test-delay.yaml"), "ratings");
    json object = original;
    const QString problem =
        FaultInjection::inject(object, experiment(QStringLiteral("fx-3"), delay(100, 10)));
    QVERIFY2(problem.contains(QStringLiteral("already has a fault")), qPrintable(problem));
    QCOMPARE(text(object), text(original));
}

void TestFaultInjection::otherExperimentsAreUntouched() {
    const json original = handWritten();
    json object = original;
    const Experiment first = experiment(QStringLiteral("fx-aaaa"),
                                        headerAbort(QStringLiteral("end-user"), QStringLiteral("jason")));
    const Experiment second = experiment(QStringLiteral("fx-bbbb"),
                                         headerAbort(QStringLiteral("end-user"), QStringLiteral("tester")));
    QCOMPARE(FaultInjection::inject(object, first), QString());
    const json firstAnnotation = object["metadata"]["annotations"][ExperimentAnnotation::key(first.id)];
    QCOMPARE(FaultInjection::inject(object, second), QString());
    QCOMPARE(text(object["metadata"]["annotations"][ExperimentAnnotation::key(first.id)]),
             text(firstAnnotation));
    QCOMPARE(ExperimentAnnotation::readAll(object).size(), 2);

    // The first one goes: the second's route and record stay, and nobody is told of an edit.
    const FaultInjection::Reversion reversion = FaultInjection::revert(object, first.id);
    QVERIFY(reversion.found);
    QVERIFY(reversion.note.isEmpty());
    QCOMPARE(text(object["spec"]["http"][0]["name"]), text("meshdeck-fault-fx-bbbb"));
    QCOMPARE(object["spec"]["http"].size(), original["spec"]["http"].size() + 1);
    QCOMPARE(ExperimentAnnotation::readAll(object).size(), 1);
    QCOMPARE(ExperimentAnnotation::readAll(object).first().experiment.id, second.id);

    QVERIFY(FaultInjection::revert(object, second.id).found);
    QCOMPARE(text(object), text(original));
    QVERIFY(!FaultInjection::revert(object, second.id).found); // a second revert finds nothing
}

void TestFaultInjection::editedRoutesKeepTheEditAndLoseTheFault() {
    const json original = handWritten();
    json object = original;
    const Experiment e = experiment(QStringLiteral("fx-edit"), delay(2000, 50));
    QCOMPARE(FaultInjection::inject(object, e), QString());
    QVERIFY(object["spec"]["http"][0].contains("fault"));
    QVERIFY(object["spec"]["http"][1].contains("fault"));
    // Someone moves the default route's traffic during the experiment.
    object["spec"]["http"][1]["route"][0]["destination"]["subset"] = "v3";

    const FaultInjection::Reversion reversion = FaultInjection::revert(object, e.id);
    QVERIFY(reversion.found);
    QVERIFY(!reversion.exact);
    QVERIFY2(reversion.note.contains(QStringLiteral("only its fault was removed")),
             qPrintable(reversion.note));
    json expected = original;
    expected["spec"]["http"][1]["route"][0]["destination"]["subset"] = "v3";
    QCOMPARE(text(object), text(expected));
}

QTEST_MAIN(TestFaultInjection)
#include "tst_faultinjection.moc"
