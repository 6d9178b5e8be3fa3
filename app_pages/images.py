"""Images page: convolutional networks against MLPs on clothes, digits and photos; try them with a
picture, train them live, look at what each layer sees."""

import streamlit as st

from core.inference import shipped_models
from ui.datasets import render_dataset_choice, unavailable
from ui.image_form import render_image_form
from ui.image_inspect import render_image_inspect
from ui.image_try import render_image_try
from ui.model_compare import render_model_compare
from ui.model_picker import pick_model
from ui.state import t
from ui.training_tab import render_training_tab
from ui.user_data_try import render_class_model_note, render_class_model_try

st.title(t("images.title"))
st.markdown(t("images.intro"))
dataset = render_dataset_choice("images_dataset")
reason = unavailable(dataset, "full") if dataset == "cifar10" else None
if reason is not None:  # CIFAR-10 comes only through the network: say so rather than hide it
    st.warning(t("images.cifar10_unavailable", reason=t(reason)), icon=":material/cloud_off:")
else:
    shipped = shipped_models(dataset)
    picked = pick_model(dataset, shipped, ("cnn", "mlp"), key=f"images_model_{dataset}")
    # Try, Look inside and Compare run only while open; Train always runs, so its settings persist.
    tabs = st.tabs([t("images.tab_try"), t("images.tab_train"), t("images.tab_inspect"), t("images.tab_compare")],
                   key="images_tab", on_change="rerun")
    try_tab, train_tab, inspect_tab, compare_tab = tabs
    with try_tab:
        if try_tab.open and picked is not None and picked.labels:  # a model of a class data set: its own labels
            render_class_model_try(picked, "image", key="images_class_try")
        elif try_tab.open and picked is not None:
            render_image_try(picked)
    with train_tab:
        render_training_tab(lambda: render_image_form(dataset), job_key="images_job")
    with inspect_tab:
        if inspect_tab.open and picked is not None and picked.labels:
            render_class_model_note(picked)
        elif inspect_tab.open and picked is not None:
            render_image_inspect(picked, key="images")
    with compare_tab:
        if compare_tab.open:
            render_model_compare(dataset, shipped)
