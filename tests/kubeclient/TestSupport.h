// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QTest>

#include <string>

// QCOMPARE on std::string prints both values when they differ.
namespace QTest {
template <>
inline char* toString(const std::string& value)
{
    return qstrdup(value.c_str());
}
} // namespace QTest

// Data-driven columns are QByteArray (QT_NO_CAST_FROM_ASCII keeps QString literals verbose);
// the code under test speaks std::string.
inline std::string str(const QByteArray& bytes)
{
    return bytes.toStdString();
}
