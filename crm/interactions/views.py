from flask import render_template

from crm.interactions import bp


@bp.route("/")
def my_day():
    """My overdue and due follow-ups and open inquiries."""
    return render_template("interactions/my_day.html")
