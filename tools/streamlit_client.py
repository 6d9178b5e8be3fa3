"""A light client for a running Streamlit app: it speaks the browser's own websocket protocol and
draws nothing.

The browser and the server talk over ``/_stcore/stream`` in protobuf messages: the browser sends a
``BackMsg`` whose ``rerun_script`` carries the page, the query string, the values of the widgets it
holds and, for a widget inside a fragment, that fragment's id; the server answers with ``ForwardMsg``
messages (``new_session``, one ``delta`` per element drawn, ``auto_rerun`` for a fragment that
redraws itself, ``script_finished``). This client sends the same messages and reads the same answers,
so one process can stand in for dozens of visitors without a browser's CPU cost. It is a load
generator for ``tools.loadtest``, not a way to use the app.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import Callable

from streamlit.proto.Alert_pb2 import Alert
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

FINISHED_EARLY_FOR_RERUN = ForwardMsg.ScriptFinishedStatus.FINISHED_EARLY_FOR_RERUN
FINISHED_WITH_COMPILE_ERROR = ForwardMsg.ScriptFinishedStatus.FINISHED_WITH_COMPILE_ERROR
ERROR_ALERT = Alert.Format.ERROR  # an st.error the visitor would read


@dataclass
class Shown:
    """One element a script run put on screen."""

    kind: str  # the Element oneof: "metric", "alert", "button", "bidi_component", ...
    proto: object  # that element's protobuf message
    fragment_id: str  # the fragment that drew it, "" for the page itself
    at: float  # time.perf_counter() when it arrived


@dataclass
class Run:
    """What the server sent in answer to one rerun request, up to its last ``script_finished``."""

    sent_at: float  # time.perf_counter() when the request left
    shown: list[Shown] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # exceptions, st.error texts, a missing page

    def first(self, kind: str, test: Callable[[object], bool] = lambda _: True) -> Shown | None:
        """The first element of ``kind`` that passes ``test``."""
        return next((s for s in self.shown if s.kind == kind and test(s.proto)), None)

    def widget(self, kind: str, user_key: str) -> Shown | None:
        """The widget of ``kind`` whose key ends with ``user_key`` (Streamlit's ids end with the key)."""
        return self.first(kind, lambda p: p.id.endswith(f"-{user_key}"))

    def seconds_to(self, kind: str, test: Callable[[object], bool] = lambda _: True) -> float | None:
        """Seconds from the request to the first element of ``kind`` that passes ``test``; None if none came."""
        found = self.first(kind, test)
        return None if found is None else found.at - self.sent_at


class StreamlitSession:
    """One visitor's session: a websocket, the widget values it holds, and the page it is on."""

    def __init__(self, url: str, query_string: str = "", timeout: float = 60.0) -> None:
        self.stream_url = url.replace("http://", "ws://").rstrip("/") + "/_stcore/stream"
        self.query_string = query_string
        self.timeout = timeout
        self.page_name = ""
        self.page_hashes: dict[str, str] = {}  # url path -> page script hash, from the navigation message
        self.states: dict[str, WidgetState] = {}
        self.auto_rerun: tuple[float, str] | None = None  # (interval s, fragment id) of a panel that redraws itself
        self._socket = None

    async def connect(self) -> None:
        import websockets

        self._socket = await websockets.connect(self.stream_url, subprotocols=["streamlit"], max_size=None,
                                                open_timeout=self.timeout)

    async def close(self) -> None:
        if self._socket is not None:
            await self._socket.close()

    async def open_page(self, page_name: str) -> Run:
        """Go to the page at ``page_name`` (its url path), as a click on its link does."""
        self.page_name = page_name
        self.states.clear()  # the old page's widgets are gone
        self.auto_rerun = None
        return await self.rerun()

    async def set_widget(self, widget_id: str, fragment_id: str = "", **value) -> Run:
        """Give a widget a new value (``json_value=...``, ``string_value=...``, ``double_array_value=[...]``)
        and rerun its fragment, or the page when it is not in one, as the browser does."""
        state = WidgetState(id=widget_id)
        for name, content in value.items():
            if name.endswith("array_value"):
                getattr(state, name).data.extend(content)
            else:
                setattr(state, name, content)
        self.states[widget_id] = state
        return await self.rerun(fragment_id)

    async def click(self, button_id: str, fragment_id: str = "") -> Run:
        """Press a button: its trigger is sent once, with the other values held."""
        return await self.rerun(fragment_id, extra=(WidgetState(id=button_id, trigger_value=True),))

    async def rerun(self, fragment_id: str = "", extra: tuple[WidgetState, ...] = (), auto: bool = False) -> Run:
        """Send a rerun request and collect the answer until the script has finished."""
        message = BackMsg()
        request = message.rerun_script
        request.query_string = self.query_string
        request.page_name = self.page_name
        request.page_script_hash = self.page_hashes.get(self.page_name, "")
        request.fragment_id = fragment_id
        request.is_auto_rerun = auto
        request.widget_states.widgets.extend([*self.states.values(), *extra])
        run = Run(sent_at=time.perf_counter())
        await self._socket.send(message.SerializeToString())
        return await asyncio.wait_for(self._collect(run), self.timeout)

    async def _collect(self, run: Run) -> Run:
        while True:
            message = ForwardMsg()
            message.ParseFromString(await self._socket.recv())
            kind = message.WhichOneof("type")
            if kind == "delta" and message.delta.WhichOneof("type") == "new_element":
                self._note_element(run, message.delta)
            elif kind == "navigation":
                self.page_hashes = {p.url_pathname: p.page_script_hash for p in message.navigation.app_pages}
            elif kind == "auto_rerun":
                self.auto_rerun = (message.auto_rerun.interval, message.auto_rerun.fragment_id)
            elif kind == "stop_auto_rerun":
                self.auto_rerun = None
            elif kind == "page_not_found":
                run.problems.append(f"page not found: {message.page_not_found.page_name}")
            elif kind == "script_finished":
                status = message.script_finished
                if status == FINISHED_WITH_COMPILE_ERROR:
                    run.problems.append("the script did not compile")
                if status != FINISHED_EARLY_FOR_RERUN:  # st.rerun() starts another run: keep reading
                    return run

    @staticmethod
    def _note_element(run: Run, delta) -> None:
        element = delta.new_element
        kind = element.WhichOneof("type")
        proto = getattr(element, kind)
        run.shown.append(Shown(kind, proto, delta.fragment_id, time.perf_counter()))
        if kind == "exception":
            run.problems.append(f"{proto.type}: {proto.message}")
        elif kind == "alert" and proto.format == ERROR_ALERT:
            run.problems.append(f"error shown: {proto.body}")
