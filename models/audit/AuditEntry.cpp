// SPDX-License-Identifier: Apache-2.0
#include "AuditEntry.h"

#include <nlohmann/json.hpp>

using nlohmann::json;

QByteArray AuditEntry::toJsonLine() const
{
    auto text = [](const QString& s) { return s.toStdString(); };
    auto object = [](const QByteArray& raw) { return raw.isEmpty() ? json() : json::parse(raw.toStdString(), nullptr, false); };
    const json line{{"time", text(time.toUTC().toString(Qt::ISODateWithMs))},
                    {"user", text(user)},
                    {"context", text(context)},
                    {"namespace", text(namespaceName)},
                    {"kind", text(kind)},
                    {"name", text(name)},
                    {"service", text(service)},
                    {"action", text(action)},
                    {"why", text(why)},
                    {"summary", text(summary)},
                    {"before", object(before)},
                    {"after", object(after)}};
    return QByteArray::fromStdString(line.dump()) + '\n';
}

bool AuditEntry::fromJsonLine(const QByteArray& line, AuditEntry& entry)
{
    const json parsed = json::parse(line.toStdString(), nullptr, false);
    if (!parsed.is_object() || !parsed.contains("time") || !parsed.contains("name"))
        return false;
    auto text = [&](const char* key) {
        const auto it = parsed.find(key);
        return it != parsed.end() && it->is_string() ? QString::fromStdString(it->get<std::string>()) : QString();
    };
    auto raw = [&](const char* key) {
        const auto it = parsed.find(key);
        return it == parsed.end() || it->is_null() ? QByteArray() : QByteArray::fromStdString(it->dump());
    };
    AuditEntry e;
    e.time = QDateTime::fromString(text("time"), Qt::ISODateWithMs);
    if (!e.time.isValid())
        return false;
    e.user = text("user");
    e.context = text("context");
    e.namespaceName = text("namespace");
    e.kind = text("kind");
    e.name = text("name");
    e.service = text("service");
    e.action = text("action");
    e.why = text("why");
    e.summary = text("summary");
    e.before = raw("before");
    e.after = raw("after");
    entry = e;
    return true;
}
