import hashlib
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.cache import cache
from django.db import IntegrityError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django.views.generic import CreateView, DetailView, ListView, TemplateView, UpdateView
from django.views.generic.detail import SingleObjectMixin

from core.caching import VersionMemo, page_cache
from core.conflicts import DATABASE_REFUSED, OK, WriteRefused, write_refusals
from core.imports import ImportRefused, TokenInvalid
from core.spreadsheets import download
from core.uploads import SpreadsheetUploadForm
from core.versions import EditConflict
from kelurahan import charts, imports, selectors, services
from kelurahan.exports import patbm_register_table
from kelurahan.forms import KecamatanForm, KelurahanFilterForm, KelurahanForm, PatbmForm
from kelurahan.models import Kecamatan, Kelurahan, Patbm


class KelurahanListView(PermissionRequiredMixin, ListView):
    """Kelurahan grouped by kecamatan, searchable by either spelling and code, filterable, paginated.

    The number found is counted once per data version and filter (cached), and the template caches
    its body per data version, search and page, language and role: a page of rows is read and
    rendered only when that cache misses.
    """

    permission_required = "kelurahan.view_kelurahan"
    template_name = "kelurahan/kelurahan_list.html"
    paginate_by = 25

    def get_queryset(self):
        # Before the data: see core.data_version.data_versions.
        self.page_cache = page_cache(self.request, "kelurahan-list", domains=("kelurahan",),
                                     permissions=("kelurahan.add_kelurahan", "kelurahan.change_patbm"),
                                     vary=(self.request.GET.urlencode(),))
        self.filter_form = KelurahanFilterForm(self.request.GET or None)
        filters = self.filter_form.cleaned_data if self.filter_form.is_valid() else {}
        kecamatan = filters.get("kecamatan")
        return selectors.kelurahan_search(
            query=filters.get("q") or "",
            kecamatan_id=kecamatan if isinstance(kecamatan, int) else None,
            kecamatan_query=kecamatan if isinstance(kecamatan, str) else "",
            step=filters.get("step"),
            status=filters.get("status") or selectors.STATUS_ACTIVE,
        )

    def get_paginator(self, queryset, per_page, **kwargs):
        paginator = super().get_paginator(queryset, per_page, **kwargs)
        sql, params = queryset.query.sql_with_params()
        key = f"kelurahan-count:{self.page_cache.versions}:{hashlib.sha256(repr((sql, params)).encode()).hexdigest()}"
        paginator.count = cache.get_or_set(key, queryset.count)  # Paginator.count is a cached property
        return paginator

    def get_context_data(self, **kwargs):
        query = self.request.GET.copy()
        query.pop("page", None)
        return super().get_context_data(
            filter_form=self.filter_form, query_string=query.urlencode(), page_cache=self.page_cache, **kwargs
        )


class KelurahanDetailView(PermissionRequiredMixin, DetailView):
    permission_required = "kelurahan.view_kelurahan"
    queryset = Kelurahan.objects.with_patbm_step()
    template_name = "kelurahan/kelurahan_detail.html"

    def get_context_data(self, **kwargs):
        kelurahan = self.object
        return super().get_context_data(
            patbm=Patbm.objects.filter(kelurahan=kelurahan).first(),
            patbm_history=selectors.patbm_history(kelurahan),
            step_label=Patbm.Step(kelurahan.patbm_step).label,
            **kwargs,
        )


class RecordFormMixin:
    """Create/update pages of kecamatan and kelurahan: one template, a success message, back to a page."""

    template_name = "kelurahan/record_form.html"
    cancel_url = reverse_lazy("kelurahan:kelurahan-list")
    title = ""

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=self.title, cancel_url=self.get_cancel_url(), **kwargs)

    def get_cancel_url(self):
        return self.cancel_url

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("%(record)s has been saved.") % {"record": self.object})
        return response


class KelurahanCreateView(PermissionRequiredMixin, RecordFormMixin, CreateView):
    permission_required = "kelurahan.add_kelurahan"
    model = Kelurahan
    form_class = KelurahanForm

    @property
    def title(self):
        return _("Add a kelurahan")

    def get_success_url(self):
        return reverse("kelurahan:kelurahan-detail", args=[self.object.pk])


class KelurahanUpdateView(PermissionRequiredMixin, RecordFormMixin, UpdateView):
    permission_required = "kelurahan.change_kelurahan"
    model = Kelurahan
    form_class = KelurahanForm

    @property
    def title(self):
        return _("Edit kelurahan %(name)s") % {"name": self.object}

    def get_cancel_url(self):
        return self.get_success_url()

    def get_success_url(self):
        return reverse("kelurahan:kelurahan-detail", args=[self.object.pk])


class KecamatanListView(PermissionRequiredMixin, ListView):
    permission_required = "kelurahan.view_kecamatan"
    template_name = "kelurahan/kecamatan_list.html"

    def get_queryset(self):
        return selectors.kecamatan_with_counts()


class KecamatanCreateView(PermissionRequiredMixin, RecordFormMixin, CreateView):
    permission_required = "kelurahan.add_kecamatan"
    model = Kecamatan
    form_class = KecamatanForm
    cancel_url = success_url = reverse_lazy("kelurahan:kecamatan-list")

    @property
    def title(self):
        return _("Add a kecamatan")


class KecamatanUpdateView(PermissionRequiredMixin, RecordFormMixin, UpdateView):
    permission_required = "kelurahan.change_kecamatan"
    model = Kecamatan
    form_class = KecamatanForm
    cancel_url = success_url = reverse_lazy("kelurahan:kecamatan-list")

    @property
    def title(self):
        return _("Edit kecamatan %(name)s") % {"name": self.object}


class ActiveToggleView(PermissionRequiredMixin, SingleObjectMixin, TemplateView):
    """Asks first, then deactivates (or reactivates) a record; nothing with history is deleted.

    `refusal` and `active_set` are the record's rule and write in `kelurahan.services`.
    """

    template_name = "kelurahan/confirm_active.html"

    def dispatch(self, request, *args, **kwargs):
        self.object = None
        return super().dispatch(request, *args, **kwargs)

    def refusal(self, obj, *, active: bool) -> str:
        raise NotImplementedError

    def active_set(self, obj, *, active: bool):
        raise NotImplementedError

    def done_url(self, obj) -> str:
        raise NotImplementedError

    def get(self, request, *args, **kwargs):
        obj = self.object = self.get_object()
        blocked = self.refusal(obj, active=not obj.is_active)
        return self.render_to_response(
            self.get_context_data(object=obj, blocked=blocked, cancel_url=self.done_url(obj))
        )

    def post(self, request, *args, **kwargs):
        obj = self.object = self.get_object()
        try:
            obj = self.active_set(obj, active=not obj.is_active)
        except services.ActivationRefused as refused:
            messages.error(request, refused.reason)
            return redirect(self.done_url(obj))
        if obj.is_active:
            messages.success(request, _("%(record)s is active again.") % {"record": obj})
        else:
            messages.success(request, _("%(record)s has been deactivated; its history is kept.") % {"record": obj})
        return redirect(self.done_url(obj))


class KelurahanActiveToggleView(ActiveToggleView):
    permission_required = "kelurahan.change_kelurahan"
    model = Kelurahan
    queryset = Kelurahan.objects.select_related("kecamatan")

    def refusal(self, obj, *, active):
        return services.kelurahan_active_refusal(obj, active=active)

    def active_set(self, obj, *, active):
        return services.kelurahan_active_set(kelurahan=obj, active=active)

    def done_url(self, obj):
        return reverse("kelurahan:kelurahan-detail", args=[obj.pk])


class KecamatanActiveToggleView(ActiveToggleView):
    permission_required = "kelurahan.change_kecamatan"
    model = Kecamatan

    def refusal(self, obj, *, active):
        return services.kecamatan_active_refusal(obj, active=active)

    def active_set(self, obj, *, active):
        return services.kecamatan_active_set(kecamatan=obj, active=active)

    def done_url(self, obj):
        return reverse("kelurahan:kecamatan-list")


@permission_required("kelurahan.change_patbm", raise_exception=True)
def patbm_update(request, pk):
    """Records the PATBM step of one kelurahan (every save is kept in the history, with who and when)."""
    kelurahan = get_object_or_404(Kelurahan.objects.select_related("kecamatan"), pk=pk)
    detail_url = reverse("kelurahan:kelurahan-detail", args=[kelurahan.pk])
    try:
        services.patbm_check_active(kelurahan)
    except services.KelurahanInactive as inactive:
        messages.error(request, str(inactive))
        return redirect(detail_url)
    patbm = Patbm.objects.filter(kelurahan=kelurahan).first() or Patbm(kelurahan=kelurahan)
    form = PatbmForm(request.POST or None, instance=patbm)
    status = OK
    if request.method == "POST" and form.is_valid():
        with write_refusals() as refusal:
            services.patbm_save(kelurahan=kelurahan, **form.patbm_values())
        if not refusal:
            messages.success(request, _("PATBM progress of %(kelurahan)s has been saved.") % {"kelurahan": kelurahan})
            return redirect(detail_url)
        if refusal.of(EditConflict):  # raised only once the record exists, so there is one to show
            form = _patbm_conflict_form(request.POST, Patbm.objects.get(kelurahan=kelurahan))
        else:
            form.add_error(None, refusal.message({
                WriteRefused: str,
                IntegrityError: DATABASE_REFUSED,
            }))
        status = refusal.status
    return render(
        request,
        "kelurahan/record_form.html",
        {
            "form": form,
            "title": _("PATBM progress of %(kelurahan)s") % {"kelurahan": kelurahan},
            "cancel_url": detail_url,
        },
        status=status,
    )


def _patbm_conflict_form(data, current: Patbm) -> PatbmForm:
    """The user's input kept, based on the record as saved meanwhile, with what the other person saved."""
    data = data.copy()
    data["version"] = current.version
    form = PatbmForm(data, instance=current)
    form.is_valid()
    form.add_error(
        None,
        _(
            "Someone else saved this PATBM while you were editing: now at step \"%(step)s\" (%(date)s). "
            "Your input is kept below: save again to replace their entry, or cancel to keep it."
        )
        % {"step": current.get_step_display(), "date": date_format(current.step_date) if current.step_date else "—"},
    )
    return form


# The coverage totals at the data version they were counted at, in this process's memory: pickling 7,000
# kecamatan in and out of the cache cost more than counting them.
_coverage_totals = VersionMemo("kelurahan")


@require_GET
@permission_required("kelurahan.view_patbm", raise_exception=True)
def coverage(request):
    """PATBM coverage of the active kelurahan: headline, per kecamatan, over time, pipeline, treemap.

    Kecamatan are paged. The totals over every kelurahan are cached per data version (changed by
    every write to kecamatan, kelurahan and PATBM), and the template caches its body per data
    version, day, page, search, language and role: never older than the data, and computed here
    (lazily) only when that cache misses.
    """
    page = (request.GET.get("page") or "1")[:10]
    kecamatan_query = request.GET.get("kecamatan", "").strip()[:100]
    today = timezone.localdate()  # the timeline runs up to today
    # Before the data: see core.data_version.data_versions.
    cached = page_cache(request, "coverage", domains=("kelurahan",), permissions=("kelurahan.add_kelurahan",),
                        vary=(today, page, kecamatan_query))

    def build_report():
        # The page's only domain is kelurahan: its versions are the memo's and the timeline's.
        totals = _coverage_totals.get(lambda previous: selectors.coverage_totals(
            timeline=selectors.coverage_timeline_latest(cached.versions)), cached.versions)
        return selectors.coverage_report(totals=totals, page=page, kecamatan_query=kecamatan_query)

    report = SimpleLazyObject(build_report)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "kelurahan/coverage.html",
        {
            "page_cache": cached,
            "page": page,
            "kecamatan_query": kecamatan_query,
            "report": report,
            "figures": SimpleLazyObject(lambda: _coverage_figures(report)),
            "step_legend": [(step, Patbm.Step(step).label) for step in charts.STEP_COLORS],
            # For kelurahan/_pagination.html.
            "page_obj": SimpleLazyObject(lambda: report.page),
            "paginator": SimpleLazyObject(lambda: report.page.paginator),
            "is_paginated": SimpleLazyObject(lambda: report.page.paginator.num_pages > 1),
            "query_string": query.urlencode(),
        },
    )


def _coverage_figures(report) -> dict:
    return {
        "kecamatan": charts.kecamatan_figure(report.by_kecamatan),
        "timeline": charts.timeline_figure(report.timeline, report.headline.total, timezone.localdate()),
        "pipeline": charts.pipeline_figure(report.pipeline),
        "treemap": charts.treemap_figure(report.rows),
    }


@require_GET
@permission_required("kelurahan.view_patbm", raise_exception=True)
def patbm_export(request, fmt):
    """The PATBM register (every kelurahan, its step, dates, SK and activists) as XLSX or CSV."""
    header, rows = patbm_register_table()
    stem = f"register-patbm-{timezone.localdate():%Y%m%d}"
    return download(header, rows, file_stem=stem, fmt=fmt, sheet_title="PATBM")


@permission_required("kelurahan.change_patbm", raise_exception=True)
def patbm_import(request):
    """Upload a spreadsheet of PATBM steps (e.g. the edited register); answers with a preview, writes nothing."""
    form = SpreadsheetUploadForm(request.POST or None, request.FILES or None)
    preview, token = None, ""
    if request.method == "POST" and form.is_valid():
        try:
            preview = imports.patbm_preview(table=form.cleaned_data["table"],
                                            file_name=Path(form.cleaned_data["file"].name).name)
        except ImportRefused as refused:
            form.add_error("file", str(refused))
        else:
            token = imports.preview_token(preview) if preview.can_confirm else ""
    return render(request, "kelurahan/patbm_import.html", {"form": form, "preview": preview, "token": token})


@require_POST
@permission_required("kelurahan.change_patbm", raise_exception=True)
def patbm_import_confirm(request):
    """Applies a previewed PATBM import: every row or none; refuses records changed since the preview."""
    with write_refusals(TokenInvalid) as refusal:
        file_name, saved = imports.patbm_import(token=request.POST.get("token", ""))
    if not refusal:
        messages.success(request, _("%(count)s rows imported from %(file)s.") % {"count": saved, "file": file_name})
        return redirect("kelurahan:kelurahan-list")
    reason = refusal.message({
        TokenInvalid: _("Nothing was saved: the preview has expired or is not valid. Upload the file again."),
        imports.PatbmImportRefused: lambda refused: _(
            "Nothing was saved: the PATBM of %(kelurahan)s changed after the preview. Upload the file again to see "
            "the current values.") % {"kelurahan": ", ".join(map(str, refused.kelurahan))},
    })
    return render(request, "kelurahan/patbm_import.html",
                  {"form": SpreadsheetUploadForm(), "preview": None, "token": "", "refusal": reason},
                  status=refusal.status)
