// SPDX-License-Identifier: Apache-2.0
#include "TestSupport.h"

#include "kubeclient/InformerCache.h"

#include <nlohmann/json.hpp>

#include <QTest>

using kube::CacheChange;
using kube::InformerCache;
using kube::ObjectPtr;

namespace {

ObjectPtr pod(const std::string& name, const std::string& version, const std::string& namespaceName = "bookinfo")
{
    nlohmann::json object = {{"kind", "Pod"}, {"metadata", {{"name", name}, {"resourceVersion", version}}}};
    if (!namespaceName.empty())
        object["metadata"]["namespace"] = namespaceName;
    return std::make_shared<const nlohmann::json>(std::move(object));
}

std::string describe(const std::vector<CacheChange>& changes)
{
    std::string out;
    for (const auto& change : changes) {
        const char* type = change.type == CacheChange::Type::Added     ? "+"
                           : change.type == CacheChange::Type::Updated ? "~"
                                                                       : "-";
        out += std::string(type) + InformerCache::keyOf(*change.current) + "@" +
               InformerCache::resourceVersionOf(*change.current) + " ";
    }
    return out;
}

} // namespace

class TestInformerCache : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void keys();
    void eventsChangeOnlyWhatIsNew();
    void replaceReportsOnlyDifferences();
    void replaceKeepsInstancesOfUnchangedObjects();
    void versionsAreComparedForEqualityOnly();
};

void TestInformerCache::keys()
{
    QCOMPARE(InformerCache::keyOf(*pod("a", "1")), std::string("bookinfo/a"));
    QCOMPARE(InformerCache::keyOf(*pod("node-1", "1", "")), std::string("node-1"));
    QCOMPARE(InformerCache::keyOf(nlohmann::json::object()), std::string());
    QCOMPARE(InformerCache::keyOf(nlohmann::json::array()), std::string());
}

void TestInformerCache::eventsChangeOnlyWhatIsNew()
{
    InformerCache cache;
    QVERIFY(cache.apply("ADDED", pod("a", "1")));
    QVERIFY(!cache.apply("ADDED", pod("a", "1")));    // a replay
    QVERIFY(!cache.apply("MODIFIED", pod("a", "1"))); // the same version again
    const auto updated = cache.apply("MODIFIED", pod("a", "2"));
    QVERIFY(updated);
    QVERIFY(updated->type == CacheChange::Type::Updated);
    QCOMPARE(InformerCache::resourceVersionOf(*updated->previous), std::string("1"));
    // A MODIFIED for an unknown object adds it, an ADDED for a known one updates it.
    QVERIFY(cache.apply("MODIFIED", pod("b", "3"))->type == CacheChange::Type::Added);
    QVERIFY(cache.apply("ADDED", pod("b", "4"))->type == CacheChange::Type::Updated);
    const auto deleted = cache.apply("DELETED", pod("a", "5"));
    QVERIFY(deleted && deleted->type == CacheChange::Type::Deleted);
    QCOMPARE(InformerCache::resourceVersionOf(*deleted->current), std::string("5"));
    QVERIFY(!cache.apply("DELETED", pod("a", "5")));   // already gone
    QVERIFY(!cache.apply("BOOKMARK", pod("c", "6")));  // not an object change
    QVERIFY(!cache.apply("ADDED", std::make_shared<const nlohmann::json>(nlohmann::json::object())));
    QCOMPARE(cache.size(), std::size_t(1));
    QCOMPARE(InformerCache::resourceVersionOf(*cache.get("bookinfo/b")), std::string("4"));
    QVERIFY(!cache.get("bookinfo/a"));
}

void TestInformerCache::replaceReportsOnlyDifferences()
{
    InformerCache cache;
    QCOMPARE(describe(cache.replace({pod("b", "1"), pod("a", "1"), pod("c", "1")})),
             std::string("+bookinfo/a@1 +bookinfo/b@1 +bookinfo/c@1 "));
    // a unchanged, b modified, c gone, d new.
    QCOMPARE(describe(cache.replace({pod("a", "1"), pod("b", "7"), pod("d", "8")})),
             std::string("~bookinfo/b@7 -bookinfo/c@1 +bookinfo/d@8 "));
    QCOMPARE(describe(cache.replace({pod("a", "1"), pod("b", "7"), pod("d", "8")})), std::string());
    QCOMPARE(describe(cache.replace({})), std::string("-bookinfo/a@1 -bookinfo/b@7 -bookinfo/d@8 "));
    QCOMPARE(cache.size(), std::size_t(0));
}

void TestInformerCache::replaceKeepsInstancesOfUnchangedObjects()
{
    InformerCache cache;
    const auto first = pod("a", "1");
    cache.replace({first});
    cache.replace({pod("a", "1")});
    QCOMPARE(cache.get("bookinfo/a").get(), first.get());
}

void TestInformerCache::versionsAreComparedForEqualityOnly()
{
    // Opaque versions: "10" after "9" is a change, and so is "9" after "10".
    InformerCache cache;
    cache.apply("ADDED", pod("a", "10"));
    QVERIFY(cache.apply("MODIFIED", pod("a", "9")));
    QVERIFY(cache.apply("MODIFIED", pod("a", "opaque-ζ")));
}

QTEST_APPLESS_MAIN(TestInformerCache)
#include "tst_informercache.moc"
