"""The Chat tab: streaming cited answers, a sources panel, filters and feedback."""

import gradio as gr

from assistant.ui.api import chat as chat_api
from assistant.ui.api.chat import DOC_TYPES, SOURCE_LANGUAGES
from assistant.ui.context import AppContext
from assistant.ui.errors import friendly
from assistant.ui.render import markdown_safe, sources_html


def build_chat_tab(ctx: AppContext) -> None:
    labels = ctx.labels
    with gr.Row():
        with gr.Column(scale=3):
            chat = gr.Chatbot(label="KAM Coach", height=480, elem_id="kam-chat")
            question = labels.bind(
                gr.Textbox(
                    label=labels.get("question"),
                    placeholder=labels.get("question_placeholder"),
                    lines=2,
                    elem_id="kam-question",
                ),
                "question",
            )
            with gr.Row():
                send = labels.bind(
                    gr.Button(labels.get("send"), variant="primary", elem_id="kam-send"),
                    "send",
                    "value",
                )
                clear = labels.bind(gr.Button(labels.get("clear")), "clear", "value")
            with gr.Row():
                evidence_wrong = labels.bind(
                    gr.Checkbox(label=labels.get("feedback_evidence_wrong")),
                    "feedback_evidence_wrong",
                )
                comment = labels.bind(
                    gr.Textbox(label=labels.get("feedback_comment"), lines=1),
                    "feedback_comment",
                )
                thumbs_up = labels.bind(
                    gr.Button(labels.get("feedback_up")), "feedback_up", "value"
                )
                thumbs_down = labels.bind(
                    gr.Button(labels.get("feedback_down")), "feedback_down", "value"
                )
        with gr.Column(scale=2):
            doc_types = labels.bind(
                gr.CheckboxGroup(DOC_TYPES, label=labels.get("doc_types")), "doc_types"
            )
            languages = labels.bind(
                gr.CheckboxGroup(SOURCE_LANGUAGES, label=labels.get("languages")), "languages"
            )
            gr.Markdown(f"### {labels.get('sources')}")
            sources = gr.HTML(elem_id="kam-sources")
    # The conversation lives on the server (gr.State): the Chatbot is display only and never
    # an input, so a client cannot hand the server a "file" message to copy and serve.
    history = gr.State([])
    shown_state = gr.State([])
    last = gr.State({})

    @friendly
    def respond(message, shown, turns, types, langs, request: gr.Request):
        user = ctx.user(request)
        message = (message or "").strip() if isinstance(message, str) else message
        if not message:
            raise gr.Error(labels.get("no_answer_yet"))
        shown = [*shown, {"role": "user", "content": markdown_safe(message)}]
        reply = {"role": "assistant", "content": ""}
        for part in chat_api.stream_answer(ctx, user, message, turns, types, langs):
            reply["content"] = markdown_safe(part["text"])
            if not part["done"]:
                yield shown + [reply], gr.update(), turns, gr.update(), "", gr.update()
                continue
            done = {
                "question": message,
                "answer": part["text"],
                "sources": [c["source"] for c in part["citations"]],
            }
            yield (
                shown + [reply],
                sources_html(part["citations"]),
                [*turns, [message, part["text"]]],
                done,
                "",
                shown + [reply],
            )

    outputs = [chat, sources, history, last, question, shown_state]
    inputs = [question, shown_state, history, doc_types, languages]
    send.click(respond, inputs, outputs, api_visibility="private")
    question.submit(respond, inputs, outputs, api_visibility="private")

    def reset():
        return [], "", [], {}, []

    clear.click(reset, None, [chat, sources, history, last, shown_state], api_visibility="private")

    def make_feedback(rating: int):
        @friendly
        def record(answer, wrong, note, request: gr.Request):
            user = ctx.user(request)
            if not answer:
                raise gr.Error(labels.get("no_answer_yet"))
            chat_api.record_feedback(
                ctx,
                user,
                answer["question"],
                answer["answer"],
                answer["sources"],
                rating,
                bool(wrong),
                note or "",
            )
            gr.Info(labels.get("feedback_saved"))
            return False, ""

        return record

    thumbs_up.click(
        make_feedback(1),
        [last, evidence_wrong, comment],
        [evidence_wrong, comment],
        api_visibility="private",
    )
    thumbs_down.click(
        make_feedback(-1),
        [last, evidence_wrong, comment],
        [evidence_wrong, comment],
        api_visibility="private",
    )
