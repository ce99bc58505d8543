// SPDX-License-Identifier: Apache-2.0
#include "WindowStateStore.h"

#include <QMainWindow>
#include <QSettings>
#include <QSplitter>
#include <QTabWidget>
#include <QUrl>

namespace {

template <typename Widget>
QString keyOf(const Widget* widget, qsizetype index, QStringView kind)
{
    if (widget->objectName().isEmpty())
        return kind + QString::number(index);
    return kind + u'-' + widget->objectName();
}

} // namespace

WindowStateStore::WindowStateStore(QSettings& settings)
    : m_settings(settings)
{
}

void WindowStateStore::saveWindow(const QMainWindow& window)
{
    m_settings.setValue(QStringLiteral("window/geometry"), window.saveGeometry());
    m_settings.setValue(QStringLiteral("window/state"), window.saveState());
}

bool WindowStateStore::restoreWindow(QMainWindow& window) const
{
    if (!m_settings.contains(QStringLiteral("window/geometry")))
        return false;
    window.restoreGeometry(m_settings.value(QStringLiteral("window/geometry")).toByteArray());
    window.restoreState(m_settings.value(QStringLiteral("window/state")).toByteArray());
    return true;
}

void WindowStateStore::savePanels(const QWidget& page)
{
    m_settings.beginGroup(QStringLiteral("panels"));
    const QList<QSplitter*> splitters = page.findChildren<QSplitter*>();
    for (qsizetype i = 0; i < splitters.size(); ++i)
        m_settings.setValue(keyOf(splitters[i], i, u"splitter"), splitters[i]->saveState());
    const QList<QTabWidget*> tabs = page.findChildren<QTabWidget*>();
    for (qsizetype i = 0; i < tabs.size(); ++i)
        m_settings.setValue(keyOf(tabs[i], i, u"tabs"), tabs[i]->currentIndex());
    m_settings.endGroup();
}

void WindowStateStore::restorePanels(QWidget& page) const
{
    m_settings.beginGroup(QStringLiteral("panels"));
    const QList<QSplitter*> splitters = page.findChildren<QSplitter*>();
    for (qsizetype i = 0; i < splitters.size(); ++i) {
        const QVariant state = m_settings.value(keyOf(splitters[i], i, u"splitter"));
        if (state.isValid())
            splitters[i]->restoreState(state.toByteArray());
    }
    const QList<QTabWidget*> tabs = page.findChildren<QTabWidget*>();
    for (qsizetype i = 0; i < tabs.size(); ++i) {
        const int index = m_settings.value(keyOf(tabs[i], i, u"tabs"), -1).toInt();
        if (index >= 0 && index < tabs[i]->count())
            tabs[i]->setCurrentIndex(index);
    }
    m_settings.endGroup();
}

void WindowStateStore::savePreferences(const QString& context, const ContextPreferences& preferences)
{
    m_settings.beginGroup(contextGroup(context));
    m_settings.setValue(QStringLiteral("graphKind"), preferences.graphKind);
    m_settings.setValue(QStringLiteral("edgeLabel"), preferences.edgeLabel);
    m_settings.setValue(QStringLiteral("chartWindowSeconds"), preferences.chartWindowSeconds);
    m_settings.setValue(QStringLiteral("graphNamespaces"), preferences.graphNamespaces);
    m_settings.endGroup();
}

ContextPreferences WindowStateStore::preferences(const QString& context) const
{
    ContextPreferences preferences;
    m_settings.beginGroup(contextGroup(context));
    preferences.graphKind = m_settings.value(QStringLiteral("graphKind"), preferences.graphKind).toString();
    preferences.edgeLabel = m_settings.value(QStringLiteral("edgeLabel"), preferences.edgeLabel).toInt();
    preferences.chartWindowSeconds =
        m_settings.value(QStringLiteral("chartWindowSeconds"), preferences.chartWindowSeconds).toInt();
    preferences.graphNamespaces = m_settings.value(QStringLiteral("graphNamespaces")).toStringList();
    m_settings.endGroup();
    return preferences;
}

QString WindowStateStore::prometheusUrl(const QString& context) const
{
    return m_settings.value(contextGroup(context) + u"/prometheusUrl").toString();
}

void WindowStateStore::setPrometheusUrl(const QString& context, const QString& url)
{
    const QString key = contextGroup(context) + u"/prometheusUrl";
    if (url.isEmpty())
        m_settings.remove(key);
    else
        m_settings.setValue(key, url);
}

QString WindowStateStore::contextGroup(const QString& context)
{
    return u"contexts/" + QString::fromLatin1(QUrl::toPercentEncoding(context));
}
