// SPDX-License-Identifier: Apache-2.0
#include "ProcessMemory.h"

#include <QByteArray>
#include <QFile>
#include <QHash>

#include <malloc.h>

namespace {

// The "Field:   1234 kB" lines of /proc/<process>/status, in MB by field.
QHash<QByteArray, double> statusMb(const QString& process = QStringLiteral("self"))
{
    QHash<QByteArray, double> fields;
    QFile status(QStringLiteral("/proc/%1/status").arg(process));
    if (!status.open(QIODevice::ReadOnly))
        return fields;
    for (const QByteArray& line : status.readAll().split('\n')) {
        const qsizetype colon = line.indexOf(':');
        if (colon > 0 && line.endsWith(" kB"))
            fields.insert(line.left(colon), line.mid(colon + 1).trimmed().split(' ').value(0).toDouble() / 1024.0);
    }
    return fields;
}

} // namespace

ProcessMemory ProcessMemory::now()
{
    const QHash<QByteArray, double> status = statusMb();
    ProcessMemory memory;
    memory.resident = status.value("VmRSS", -1);
    memory.anonymous = status.value("RssAnon", -1);
    memory.files = status.value("RssFile", -1);
    memory.shared = status.value("RssShmem", -1);
    const struct mallinfo2 heap = mallinfo2();
    memory.mallocInUse = double(heap.uordblks + heap.hblkhd) / 1048576.0;
    memory.mallocFree = double(heap.fordblks) / 1048576.0;
    return memory;
}

double ProcessMemory::residentOf(long long processId)
{
    return statusMb(QString::number(processId)).value("VmRSS", -1);
}
