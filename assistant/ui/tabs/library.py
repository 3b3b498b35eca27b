"""The Library tab: upload, list, inspect, replace, delete and re-index documents (admins).

The page, top to bottom: the upload panel beside the re-index panel, the document table, the
row that picks a document to replace or delete, the delete confirmation, the chosen
document's chunks. One function builds each section; the ``_wire_*`` functions say what its
buttons do."""

from dataclasses import dataclass

import gradio as gr

from assistant.admin.document_library import UploadError
from assistant.documents.metadata import ACCESS_LEVELS
from assistant.ui import widgets
from assistant.ui.api import admin as admin_api
from assistant.ui.context import AppContext
from assistant.ui.inputs import uploaded_file
from assistant.ui.labels import Labels
from assistant.ui.render import esc

DOC_COLUMNS = ["source", "title", "doc_type", "language", "access", "collection", "chunks"]
DOC_HEADERS = [f"col_{c}" for c in DOC_COLUMNS]
RESULT_HEADERS = ["col_name", "col_status", "col_message"]
CHUNK_HEADERS = ["col_index", "col_section", "col_page", "col_text"]
ACCESS_LABELS = Labels.code_keys("access", ACCESS_LEVELS)


# Columns that hold codes, and the kind of label each code has.
CODED_COLUMNS = {"doc_type": "doctype", "access": "access", "language": "lang"}


def _cell(labels: Labels, column: str, value, language: str):
    """A document table cell: codes (doc type, access, language) in words."""
    kind = CODED_COLUMNS.get(column)
    return labels.code(kind, value, language) if kind else value


def _file_progress(progress: gr.Progress, labels: Labels, language: str):
    """Tells the page which file is being read ("3 of 5: name.pdf"), before it is read; the
    bar counts the files done ("2/5 files")."""
    unit = labels.get("file_unit", language)

    def report(number: int, total: int, name: str) -> None:
        desc = labels.get("file_progress", language, number=number, total=total, name=name)
        progress((number - 1, max(total, 1)), desc=desc, unit=unit)

    return report


@dataclass(frozen=True)
class UploadPanel:
    files: gr.File
    access: gr.Radio
    collection: gr.Textbox
    ingest: gr.Button
    results: gr.Dataframe


@dataclass(frozen=True)
class ReindexPanel:
    reindex: gr.Button
    log: gr.Textbox


@dataclass(frozen=True)
class DocumentList:
    table: gr.Dataframe
    ids: gr.State
    recovery: gr.Markdown


@dataclass(frozen=True)
class DocumentPicker:
    chosen: gr.Dropdown
    replacement: gr.File
    delete: gr.Button


@dataclass(frozen=True)
class DeleteConfirmation:
    row: gr.Row
    question: gr.Markdown
    confirm: gr.Button
    cancel: gr.Button


def build_library_tab(ctx: AppContext):
    """The tab's sections and their events; returns the handler that refreshes the document
    list and the components it fills (the app refreshes them on load and on a language
    switch)."""
    labels = ctx.labels
    with gr.Row():
        with gr.Column():
            upload = _upload_panel(ctx)
        with gr.Column():
            reindex = _reindex_panel(labels)
    documents = _document_list(labels)
    picker = _document_picker(labels)
    confirmation = _delete_confirmation(labels)
    chunks = _chunk_table(labels)

    refresh = _listing_refresher(ctx)
    listing = [documents.table, picker.chosen, documents.ids, documents.recovery]
    _wire_upload(ctx, upload, refresh, listing)
    _wire_document_picker(ctx, picker, chunks, refresh, listing)
    _wire_delete(ctx, picker, confirmation, refresh, listing)
    _wire_reindex(ctx, reindex, refresh, listing)
    return refresh, listing


# -- layout, one function per section ---------------------------------------------------------


def _upload_panel(ctx: AppContext) -> UploadPanel:
    labels = ctx.labels
    collection = ctx.services.settings.collection
    return UploadPanel(
        files=widgets.labelled(
            labels, gr.File, "upload", file_count="multiple", elem_id="kam-upload"
        ),
        access=widgets.choices(labels, gr.Radio, "access", ACCESS_LABELS, value=ACCESS_LEVELS[0]),
        collection=widgets.labelled(labels, gr.Textbox, "collection", value=collection),
        ingest=widgets.button(labels, "ingest", variant="primary", elem_id="kam-ingest"),
        results=widgets.table(
            labels,
            RESULT_HEADERS,
            interactive=False,
            wrap=True,
            column_widths=["30%", "15%", "55%"],
            elem_id="kam-upload-results",
        ),
    )


def _reindex_panel(labels: Labels) -> ReindexPanel:
    return ReindexPanel(
        reindex=widgets.button(labels, "reindex"),
        log=gr.Textbox(lines=4, show_label=False, interactive=False),
    )


def _document_list(labels: Labels) -> DocumentList:
    return DocumentList(
        table=widgets.table(
            labels,
            DOC_HEADERS,
            "documents",
            interactive=False,
            wrap=True,
            elem_id="kam-documents",
        ),
        ids=gr.State([]),
        recovery=gr.Markdown(elem_id="kam-upload-recovery"),
    )


def _document_picker(labels: Labels) -> DocumentPicker:
    """The row that picks a document, with its replace upload and its delete button."""
    with gr.Row():
        return DocumentPicker(
            chosen=widgets.labelled(
                labels, gr.Dropdown, "document", [], elem_id="kam-library-document"
            ),
            replacement=widgets.labelled(labels, gr.File, "replace"),
            delete=widgets.button(labels, "delete", variant="stop", elem_id="kam-delete"),
        )


def _delete_confirmation(labels: Labels) -> DeleteConfirmation:
    """Delete asks first: the delete button only opens this row."""
    with gr.Row(visible=False, elem_id="kam-delete-confirm") as row:
        return DeleteConfirmation(
            row=row,
            question=gr.Markdown(),
            confirm=widgets.button(
                labels, "confirm_delete", variant="stop", elem_id="kam-delete-yes"
            ),
            cancel=widgets.button(labels, "cancel", elem_id="kam-delete-no"),
        )


def _chunk_table(labels: Labels) -> gr.Dataframe:
    return widgets.table(labels, CHUNK_HEADERS, "chunks", interactive=False, wrap=True)


# -- events, one function per section ---------------------------------------------------------


def _listing_refresher(ctx: AppContext):
    """The handler that fills the document table, the picker's choices, the listed ids and
    the notes on uploads recovered at start."""
    labels = ctx.labels

    @ctx.friendly
    def refresh(request: gr.Request):
        user = ctx.user(request)
        rows = admin_api.list_documents(ctx, user)
        language = ctx.language(request)
        table = labels.table(
            [[_cell(labels, c, row[c], language) for c in DOC_COLUMNS] for row in rows],
            DOC_HEADERS,
            language,
        )
        choices = [(f"{row['source']} ({row['chunks']})", row["doc_hash"]) for row in rows]
        notes = "\n".join(
            f"- {esc(ctx.notices.say(notice, language))}" for notice in ctx.library.recovered
        )
        return (
            table,
            gr.update(choices=choices, value=None),
            [r["doc_hash"] for r in rows],
            notes,
        )

    return refresh


def _wire_upload(ctx: AppContext, panel: UploadPanel, refresh, listing) -> None:
    """Ingest: the chosen files into the index, a result row each, then the list again."""
    labels = ctx.labels

    @ctx.friendly
    def upload(paths, level, name, request: gr.Request, progress=gr.Progress()):
        user = ctx.user(request)
        ctx.require_admin(user)
        if not paths:
            ctx.hint(request, "hint_choose_files")
            return gr.skip(), gr.skip()
        checked = [uploaded_file(p) for p in paths]
        pairs = [(p.name, p) for p in checked]
        language = ctx.language(request)
        try:
            rows = admin_api.upload_files(
                ctx, user, pairs, level, name, None, _file_progress(progress, labels, language)
            )
        except UploadError as exc:  # the whole batch refused (a collection name, say)
            gr.Warning(esc(ctx.notices.say(exc.notice, language)))
            return gr.skip(), gr.skip()
        table = [
            [
                r["name"],
                labels.get(f"status_{r['status']}", language),
                ctx.notices.join(r["notices"], language),
            ]
            for r in rows
        ]
        return labels.table(table, RESULT_HEADERS, language), None

    inputs = [panel.files, panel.access, panel.collection]
    panel.ingest.click(upload, inputs, [panel.results, panel.files], api_name="upload").then(
        refresh, None, listing, api_visibility="private"
    )


def _wire_document_picker(
    ctx: AppContext, picker: DocumentPicker, chunks: gr.Dataframe, refresh, listing
) -> None:
    """Choosing a document shows its chunks; a file dropped on "replace" replaces it."""
    labels = ctx.labels

    @ctx.friendly
    def show_chunks(doc_hash, request: gr.Request):
        if not doc_hash:
            return labels.table([], CHUNK_HEADERS, ctx.language(request))
        rows = admin_api.document_chunks(ctx, ctx.user(request), doc_hash)
        table = [[r["index"], r["section"], r["page"] or "", r["text"]] for r in rows]
        return labels.table(table, CHUNK_HEADERS, ctx.language(request))

    @ctx.friendly
    def replace(doc_hash, path, request: gr.Request):
        if not doc_hash or not path:
            ctx.hint(request, "hint_choose_replacement")
            return None
        user = ctx.user(request)
        ctx.require_admin(user)
        checked = uploaded_file(path)
        result = admin_api.replace_document(ctx, user, doc_hash, checked.name, checked)
        language = ctx.language(request)
        status = labels.get(f"status_{result['status']}", language)
        message = ctx.notices.join(result["notices"], language)
        said = ctx.say(
            request, "replace_result", name=result["name"], status=status, message=message
        )
        gr.Info(esc(said))
        return None

    private = {"api_visibility": "private"}
    picker.chosen.change(show_chunks, picker.chosen, chunks, **private)
    picker.replacement.upload(
        replace, [picker.chosen, picker.replacement], picker.replacement, **private
    ).then(refresh, None, listing, **private)


def _wire_delete(
    ctx: AppContext, picker: DocumentPicker, confirm: DeleteConfirmation, refresh, listing
) -> None:
    """Delete opens the confirmation; yes removes the document, cancel closes the row."""

    @ctx.friendly
    def ask_to_remove(doc_hash, request: gr.Request):
        if not doc_hash:
            ctx.hint(request, "hint_choose_document")
            return gr.skip(), gr.skip()
        row = ctx.library.document(doc_hash, ctx.user(request))
        question = ctx.say(request, "confirm_delete_question", name=row.source)
        return gr.update(visible=True), esc(question)

    @ctx.friendly
    def remove(doc_hash, request: gr.Request):
        if not doc_hash:
            ctx.hint(request, "hint_choose_document")
            return gr.update(visible=False)
        removed = admin_api.delete_document(ctx, ctx.user(request), doc_hash)
        gr.Info(ctx.say(request, "removed_files", count=len(removed)))
        return gr.update(visible=False)

    private = {"api_visibility": "private"}
    picker.delete.click(ask_to_remove, picker.chosen, [confirm.row, confirm.question], **private)
    confirm.cancel.click(lambda: gr.update(visible=False), None, confirm.row, **private)
    confirm.confirm.click(remove, picker.chosen, confirm.row, **private).then(
        refresh, None, listing, **private
    )


def _wire_reindex(ctx: AppContext, panel: ReindexPanel, refresh, listing) -> None:
    """Re-index: every document read again, the notes in the log, then the list again."""

    @ctx.friendly
    def rebuild(request: gr.Request, progress=gr.Progress()):
        language = ctx.language(request)
        reporter = _file_progress(progress, ctx.labels, language)
        report = admin_api.reindex_report(ctx, ctx.user(request), None, reporter)
        return "\n".join(ctx.notices.say(notice, language) for notice in report.notices())

    panel.reindex.click(rebuild, None, panel.log, api_visibility="private").then(
        refresh, None, listing, api_visibility="private"
    )
