// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QString>
#include <QStringList>

class QMainWindow;
class QSettings;
class QWidget;

// What an operator set for one kubeconfig context, kept between runs.
struct ContextPreferences {
    QString graphKind = QStringLiteral("versioned-app"); // versioned-app, service or workload
    int edgeLabel = 1;            // EdgeLabel as a number (1: requests/s)
    int chartWindowSeconds = 300; // how much history the charts show
    QStringList graphNamespaces;  // shown together in the graph; empty: the context's own
};

// The window's layout (geometry, tool bars and docks), its page's (splitter sizes, selected tabs)
// and each context's preferences in QSettings. Only these keys are ever written: nothing that comes from a
// kubeconfig besides the context's name, so no token, key or certificate can end up in the file.
// Splitters and tab widgets are told apart by their object name, or else by their order in the
// page, which the code that builds the page fixes.
class WindowStateStore {
public:
    explicit WindowStateStore(QSettings& settings);

    void saveWindow(const QMainWindow& window);
    // Puts back what saveWindow() wrote; returns whether there was anything.
    bool restoreWindow(QMainWindow& window) const;
    // Splitters and tab widgets under `page`.
    void savePanels(const QWidget& page);
    // A splitter or tab widget the file does not know keeps its default.
    void restorePanels(QWidget& page) const;

    void savePreferences(const QString& context, const ContextPreferences& preferences);
    ContextPreferences preferences(const QString& context) const;
    // The Prometheus URL set for a context (see ClusterSession); empty: through the API server. Kept
    // apart from ContextPreferences, which the window writes whole each time it leaves a page.
    QString prometheusUrl(const QString& context) const;
    // Empty forgets it.
    void setPrometheusUrl(const QString& context, const QString& url);

private:
    // QSettings treats "/" as a group separator and "\" specially: keep a context's name opaque.
    static QString contextGroup(const QString& context);

    QSettings& m_settings;
};
