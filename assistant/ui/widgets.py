"""Components whose words follow the language switch: each helper builds one Gradio component
in English and binds its label, text, choices or headers to label keys (see ``Labels``)."""

from collections.abc import Mapping
from typing import Any

import gradio as gr

from assistant.ui.labels import Labels


def labelled(labels: Labels, component: type, key: str, *args: Any, **kwargs: Any) -> Any:
    """A ``component`` (a Textbox, Dropdown, File, Tab ...) labelled by label ``key``."""
    return labels.bind(component(*args, label=labels.get(key), **kwargs), key)


def button(labels: Labels, key: str, **kwargs: Any) -> gr.Button:
    """A button whose text is label ``key``."""
    return labels.bind(gr.Button(labels.get(key), **kwargs), key, "value")


def choices(
    labels: Labels, component: type, key: str, codes: Mapping[str, str], **kwargs: Any
) -> Any:
    """A Radio, Dropdown or CheckboxGroup labelled by ``key`` whose choices show the labels of
    ``codes`` (``{value: label key}``); the values it sends stay the codes."""
    shown = labelled(labels, component, key, labels.choices(codes), **kwargs)
    return labels.bind_choices(shown, codes)


def table(labels: Labels, headers: list[str], key: str | None = None, **kwargs: Any):
    """A Dataframe headed by the label keys ``headers`` (and labelled by ``key`` if given)."""
    heads = labels.headers(headers)
    if key is None:
        frame = gr.Dataframe(headers=heads, **kwargs)
    else:
        frame = labelled(labels, gr.Dataframe, key, headers=heads, **kwargs)
    return labels.bind_headers(frame, headers)


def heading(labels: Labels, key: str, **kwargs: Any) -> gr.Markdown:
    """A third-level Markdown heading that reads label ``key``."""
    return labels.bind(gr.Markdown(f"### {labels.get(key)}", **kwargs), key, "value", "### {}")
