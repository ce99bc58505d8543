// SPDX-License-Identifier: Apache-2.0
#include "ViewLook.h"

#include <QCoreApplication>
#include <QPointer>

ViewLook::ViewLook(QObject* parent)
    : QObject(parent)
{
}

ViewLook* ViewLook::instance()
{
    // Parented to the application so it dies with it (a plain static would outlive it).
    static QPointer<ViewLook> look;
    if (!look)
        look = new ViewLook(QCoreApplication::instance());
    return look;
}

void ViewLook::setDark(bool dark)
{
    if (dark == m_dark)
        return;
    m_dark = dark;
    Q_EMIT changed();
}

void ViewLook::setPresenting(bool presenting)
{
    if (presenting == m_presenting)
        return;
    m_presenting = presenting;
    Q_EMIT changed();
}

LookColors ViewLook::colors() const
{
    if (m_presenting)
        return LookColors::highContrast(m_dark);
    return m_dark ? LookColors::dark() : LookColors::light();
}
