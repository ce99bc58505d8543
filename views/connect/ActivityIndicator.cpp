// SPDX-License-Identifier: Apache-2.0
#include "ActivityIndicator.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QToolButton>

ActivityIndicator::ActivityIndicator(QWidget* parent)
    : QWidget(parent)
    , m_bar(new QProgressBar(this))
    , m_text(new QLabel(this))
    , m_cancel(new QToolButton(this))
{
    m_bar->setRange(0, 0);
    m_bar->setTextVisible(false);
    m_bar->setMaximumWidth(80);
    m_bar->setMaximumHeight(12);
    m_cancel->setText(tr("Cancel"));
    m_cancel->setAutoRaise(true);
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_bar);
    layout->addWidget(m_text);
    layout->addWidget(m_cancel);
    connect(m_cancel, &QToolButton::clicked, this, &ActivityIndicator::cancelRequested);
    hide();
}

void ActivityIndicator::start(const QString& message, bool cancellable)
{
    m_active = true;
    m_text->setText(message);
    m_cancel->setVisible(cancellable);
    show();
}

void ActivityIndicator::setMessage(const QString& message)
{
    m_text->setText(message);
}

void ActivityIndicator::finish()
{
    m_active = false;
    hide();
}

QString ActivityIndicator::message() const
{
    return m_active ? m_text->text() : QString();
}
