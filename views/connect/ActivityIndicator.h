// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QWidget>

class QLabel;
class QProgressBar;
class QToolButton;

// A small "what is happening" for the status bar: a busy bar, the current step, and a cancel button
// when the work can be cancelled. Hidden when idle.
class ActivityIndicator : public QWidget {
    Q_OBJECT
public:
    explicit ActivityIndicator(QWidget* parent = nullptr);

    void start(const QString& message, bool cancellable);
    void setMessage(const QString& message);
    void finish();
    bool isActive() const { return m_active; }
    QString message() const;
    QToolButton* cancelButton() const { return m_cancel; }

Q_SIGNALS:
    void cancelRequested();

private:
    QProgressBar* m_bar;
    QLabel* m_text;
    QToolButton* m_cancel;
    bool m_active = false;
};
